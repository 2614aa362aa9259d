import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workerClass, workerTuning } from './tuning.js';

const MAIN = { activitySlots: 1000, workflowTaskSlots: 10, workflowThread: 'main', workflowStackTraces: true } as const;
const THREAD = { activitySlots: 100, workflowTaskSlots: 40, workflowThread: 'thread', workflowStackTraces: true } as const;

describe('worker tuning', () => {
  it('gives explicit slots, and runs workflow code on the main thread', () => {
    expect(workerTuning(MAIN)).toEqual({ maxConcurrentActivityTaskExecutions: 1000, maxConcurrentWorkflowTaskExecutions: 10, debugMode: true });
  });

  it('leaves the SDK its worker thread when asked', () => {
    expect(workerTuning(THREAD)).toEqual({ maxConcurrentActivityTaskExecutions: 100, maxConcurrentWorkflowTaskExecutions: 40 });
  });

  it("makes the SDK's own Worker for a worker thread, and its in-process runtime's subclass for the main thread", () => {
    expect(workerClass(THREAD)).toBe(Worker);
    const main = workerClass(MAIN);
    expect(main).not.toBe(Worker);
    expect(Object.getPrototypeOf(main)).toBe(Worker);
  });
});
