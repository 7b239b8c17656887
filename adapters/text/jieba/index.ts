export { JiebaTokenizer, createJiebaTokenizer } from './jieba.tokenizer';
