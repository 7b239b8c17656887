import type { Locale } from '../../core/host-bridge';

const en = {
  heading: 'Training library',
  intro: 'Good and bad examples that reviewers marked on real calls. Personal data is masked.',
  loading: 'Loading the training library…',
  failed: 'The training library could not be loaded.',
  retry: 'Try again',
  filters: 'Filter examples',
  filterLabel: 'Kind',
  filterDemand: 'Customer demand',
  filterInquiry: 'Inquiry type',
  filterCriterion: 'Scorecard criterion',
  any: 'All',
  good: 'Good example',
  bad: 'To improve',
  count: '{count} examples',
  empty: 'No examples yet. Reviewers add them while scoring calls.',
  emptyFiltered: 'No examples match these filters.',
  criterion: 'Criterion: {criterion}',
  demand: 'Demand: {demand}',
  inquiry: 'Inquiry: {inquiry}',
  range: '{from}–{to}',
  markedBy: 'Marked by {by}, {date}',
  play: 'Play {from}–{to}',
  player: 'Example recording',
  preparingAudio: 'Preparing the recording…',
  refused: 'You can read this example, but its audio is no longer available to you.',
  noExcerpt: 'No transcript for this part of the call.',
  pinTo: 'Pin to a coaching task',
  pinTask: 'Coaching task',
  pinChoose: 'Choose a task',
  pin: 'Pin',
  pinned: 'Pinned to the task.',
  pinnedAlready: 'Already pinned to this task.',
  pinnedOne: 'Pinned to 1 coaching task',
  pinnedCount: 'Pinned to {count} coaching tasks',
  noTasks: 'No open coaching tasks to pin to.',
  taskOption: '{agent}: {about}',
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  heading: '培训素材',
  intro: '质检人员在真实通话中标记的好示范和待改进示范。个人信息已脱敏。',
  loading: '正在加载培训素材…',
  failed: '无法加载培训素材。',
  retry: '重试',
  filters: '筛选示范',
  filterLabel: '类型',
  filterDemand: '客户诉求',
  filterInquiry: '咨询类型',
  filterCriterion: '评分项',
  any: '全部',
  good: '好的示范',
  bad: '待改进',
  count: '共 {count} 条示范',
  empty: '暂无示范。质检人员在评分时会添加。',
  emptyFiltered: '没有符合筛选条件的示范。',
  criterion: '评分项：{criterion}',
  demand: '诉求：{demand}',
  inquiry: '咨询类型：{inquiry}',
  range: '{from}–{to}',
  markedBy: '{by} 标记于 {date}',
  play: '播放 {from}–{to}',
  player: '示范录音',
  preparingAudio: '正在准备录音…',
  refused: '你可以阅读此示范，但其录音已不再对你开放。',
  noExcerpt: '这段通话没有转写文本。',
  pinTo: '添加到辅导任务',
  pinTask: '辅导任务',
  pinChoose: '选择任务',
  pin: '添加',
  pinned: '已添加到任务。',
  pinnedAlready: '此任务中已有该示范。',
  pinnedOne: '已添加到 1 个辅导任务',
  pinnedCount: '已添加到 {count} 个辅导任务',
  noTasks: '没有可添加的进行中辅导任务。',
  taskOption: '{agent}：{about}',
};

export type TrainingKey = Key;

/** A string of the training library in the UI language, with `{name}` placeholders filled from `vars`. */
export function trainingText(locale: Locale, key: TrainingKey, vars?: Record<string, string | number>): string {
  const template = locale === 'zh-cn' ? zh[key] : en[key];
  return vars === undefined ? template : template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
