/** StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask (the tasks themselves: move-tasks.ts). */
import { optionalInt, optionalString, requiredString } from '../input.js';
import { taskEntry } from '../move-tasks.js';
import type { ActionHandler } from './context.js';

export const startMessageMoveTask: ActionHandler = (input, ctx) => {
  const sourceArn = requiredString(input, 'SourceArn');
  const destinationArn = optionalString(input, 'DestinationArn');
  const rate = optionalInt(input, 'MaxNumberOfMessagesPerSecond', 1, 500, 'Must be between 1 and 500, if provided.');
  const task = ctx.store.moves.start(sourceArn, destinationArn === '' ? undefined : destinationArn, rate);
  return { TaskHandle: task.handle };
};

export const listMessageMoveTasks: ActionHandler = (input, ctx) => {
  const sourceArn = requiredString(input, 'SourceArn');
  const max = optionalInt(input, 'MaxResults', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
  return { Results: ctx.store.moves.list(sourceArn, max).map(taskEntry) };
};

export const cancelMessageMoveTask: ActionHandler = (input, ctx) => {
  const task = ctx.store.moves.cancel(requiredString(input, 'TaskHandle'));
  return { ApproximateNumberOfMessagesMoved: task.moved };
};
