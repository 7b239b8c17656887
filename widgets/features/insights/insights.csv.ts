/** One CSV cell: quoted when it holds a comma, quote or line break; a leading formula character is neutralised. */
function toCsvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV document (RFC 4180, CRLF line ends, UTF-8 byte-order mark so spreadsheet programs read Chinese) of a
 * table as the screen shows it: the header row, then one line per row, in the same order.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(toCsvCell).join(',')).join('\r\n')}\r\n`;
}

/** Offers `csv` as a download named `fileName` (generated in the page; nothing is sent anywhere). */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
