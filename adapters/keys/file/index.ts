export { FileKeyVault } from './file-key-vault';
