import { memoryPair } from '../../src';
import { adapterCases } from './adapter-cases';

describe('adapters over memoryPair', () => {
  adapterCases('memoryPair', (options) => Promise.resolve(memoryPair(options)));
});
