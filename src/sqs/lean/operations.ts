/** The four calls the lean path makes: the SDK command class, its wire name, body, parser and check. */
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand,
  type ChangeMessageVisibilityBatchRequest, type DeleteMessageBatchRequest, type ReceiveMessageRequest, type ReceiveMessageResult,
  type SendMessageBatchRequest, type SendMessageBatchResult,
} from '@aws-sdk/client-sqs';
import {
  changeMessageVisibilityBatchBody, deleteMessageBatchBody, parseChangeMessageVisibilityBatch, parseDeleteMessageBatch, parseReceiveMessage,
  parseSendMessageBatch, receiveMessageBody, sendMessageBatchBody,
} from './shapes.js';
import { checkReceiveMd5, checkSendBatchMd5 } from './md5.js';

export interface Operation {
  /** The X-Amz-Target: AmazonSQS.<name>. */
  readonly target: string;
  /** ReceiveMessage retries in the SDK's ":longpoll" token scope. */
  readonly longPoll: boolean;
  body(input: never): string;
  parse(text: string): object;
  /** The SDK's MD5 check (after the retries), when it has one for this call. */
  check?(input: never, output: never): void;
}

const SEND: Operation = {
  target: 'AmazonSQS.SendMessageBatch',
  longPoll: false,
  body: (input: SendMessageBatchRequest) => sendMessageBatchBody(input),
  parse: parseSendMessageBatch,
  check: (input: SendMessageBatchRequest, output: SendMessageBatchResult) => checkSendBatchMd5(input, output),
};

const RECEIVE: Operation = {
  target: 'AmazonSQS.ReceiveMessage',
  longPoll: true,
  body: (input: ReceiveMessageRequest) => receiveMessageBody(input),
  parse: parseReceiveMessage,
  check: (_input: ReceiveMessageRequest, output: ReceiveMessageResult) => checkReceiveMd5(output),
};

const DELETE: Operation = {
  target: 'AmazonSQS.DeleteMessageBatch',
  longPoll: false,
  body: (input: DeleteMessageBatchRequest) => deleteMessageBatchBody(input),
  parse: parseDeleteMessageBatch,
};

const CHANGE_VISIBILITY: Operation = {
  target: 'AmazonSQS.ChangeMessageVisibilityBatch',
  longPoll: false,
  body: (input: ChangeMessageVisibilityBatchRequest) => changeMessageVisibilityBatchBody(input),
  parse: parseChangeMessageVisibilityBatch,
};

/** The lean operation for an SDK command, or undefined for every other command (the SDK sends those). */
export function operationFor(command: object): Operation | undefined {
  if (command instanceof SendMessageBatchCommand) return SEND;
  if (command instanceof ReceiveMessageCommand) return RECEIVE;
  if (command instanceof DeleteMessageBatchCommand) return DELETE;
  if (command instanceof ChangeMessageVisibilityBatchCommand) return CHANGE_VISIBILITY;
  return undefined;
}
