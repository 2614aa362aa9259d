import { describe, expect, it } from 'vitest';
import { ISOLATE_EXECUTION_TIMEOUT, workerTuning } from './tuning.js';

describe('worker tuning', () => {
  it('gives explicit slots, and runs workflow code on the main thread with the deadlock detector on', () => {
    expect(workerTuning({ activitySlots: 1000, workflowTaskSlots: 10, workflowThread: 'main' })).toEqual({
      maxConcurrentActivityTaskExecutions: 1000,
      maxConcurrentWorkflowTaskExecutions: 10,
      debugMode: true,
      isolateExecutionTimeout: ISOLATE_EXECUTION_TIMEOUT,
    });
  });

  it('leaves the SDK its worker thread when asked', () => {
    expect(workerTuning({ activitySlots: 100, workflowTaskSlots: 40, workflowThread: 'thread' })).toEqual({
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentWorkflowTaskExecutions: 40,
    });
  });
});
