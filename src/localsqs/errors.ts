/**
 * SQS API errors as the local endpoint raises them. Each knows its JSON 1.0
 * `__type` (namespace#Name), its Query-protocol code (also sent in the
 * `x-amzn-query-error` header so SDK v3 maps it to its typed exception), the
 * HTTP status and whether the sender was at fault.
 */
export class SqsApiError extends Error {
  override readonly name = 'SqsApiError';
  constructor(
    /** Short error name, e.g. `QueueDoesNotExist` (the SDK's exception name). */
    readonly type: string,
    /** Query-protocol code, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
    readonly queryCode: string,
    message: string,
    readonly status = 400,
    readonly sender = true,
    /** JSON `__type` namespace (SQS's own errors live in com.amazonaws.sqs). */
    readonly namespace = 'com.amazonaws.sqs',
  ) {
    super(message);
  }
}

const aws = (type: string, code: string, message: string, status = 400): SqsApiError => new SqsApiError(type, code, message, status);

export const queueDoesNotExist = (): SqsApiError =>
  aws('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
export const queueNameExists = (detail: string): SqsApiError => aws('QueueNameExists', 'QueueAlreadyExists', detail);
export const invalidParameterValue = (message: string): SqsApiError => aws('InvalidParameterValue', 'InvalidParameterValue', message);
export const missingParameter = (name: string): SqsApiError =>
  aws('MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`);
export const invalidAttributeName = (name: string): SqsApiError => aws('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`);
export const invalidAttributeValue = (message: string): SqsApiError => aws('InvalidAttributeValue', 'InvalidAttributeValue', message);
export const invalidMessageContents = (): SqsApiError =>
  aws(
    'InvalidMessageContents',
    'InvalidMessageContents',
    'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  );
export const receiptHandleIsInvalid = (handle: string): SqsApiError =>
  aws('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);
export const messageNotInflight = (): SqsApiError =>
  aws('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');
export const emptyBatchRequest = (entry: string): SqsApiError =>
  aws('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', `There should be at least one ${entry} in the request.`);
export const tooManyEntriesInBatchRequest = (count: number): SqsApiError =>
  aws('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${count}.`);
export const invalidBatchEntryId = (): SqsApiError =>
  aws(
    'InvalidBatchEntryId',
    'AWS.SimpleQueueService.InvalidBatchEntryId',
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  );
export const batchEntryIdsNotDistinct = (id: string): SqsApiError =>
  aws('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
export const batchRequestTooLong = (limit: number, size: number): SqsApiError =>
  aws('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes. You have sent ${size} bytes.`);
export const resourceNotFound = (message: string): SqsApiError => aws('ResourceNotFoundException', 'ResourceNotFoundException', message, 404);
export const unsupportedOperation = (message: string): SqsApiError => aws('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', message);
export const invalidAddress = (url: string): SqsApiError => aws('InvalidAddress', 'InvalidAddress', `The address ${url} is not valid for this endpoint.`, 404);
export const invalidAction = (action: string): SqsApiError =>
  aws('InvalidAction', 'InvalidAction', `The action ${action} is not valid for this endpoint.`);
/** A body that cannot be parsed (bad JSON, wrong types): what AWS's JSON front end says. */
export const serializationError = (message: string): SqsApiError =>
  new SqsApiError('SerializationException', 'MalformedQueryString', message, 400, true, 'com.amazon.coral.service');
export const internalError = (): SqsApiError =>
  new SqsApiError('InternalFailure', 'InternalFailure', 'The request processing has failed because of an unknown error.', 500, false);

/** Errors of AWS's front end (not of SQS itself): JSON `__type` in com.amazon.coral.service. */
const coral = (type: string, code: string, message: string, status: number): SqsApiError =>
  new SqsApiError(type, code, message, status, true, 'com.amazon.coral.service');

export const overLimit = (message: string): SqsApiError => new SqsApiError('OverLimit', 'OverLimit', message, 403);
export const methodNotAllowed = (method: string, allowed: string): SqsApiError =>
  coral('MethodNotAllowed', 'MethodNotAllowed', `The HTTP method ${method} is not allowed here; use ${allowed}.`, 405);
export const requestTooLarge = (limit: number): SqsApiError =>
  coral('RequestEntityTooLargeException', 'RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`, 413);
export const invalidUtf8 = (): SqsApiError => serializationError('The request body is not valid UTF-8.');
export const crossSiteRefused = (why: string): SqsApiError =>
  coral('AccessDeniedException', 'AccessDenied', `Cross-site browser request refused: ${why}. Start sqsdemo sqs with --cors-origin ORIGIN to allow a browser tool.`, 403);
export const hostNotAllowed = (host: string): SqsApiError =>
  coral('AccessDeniedException', 'AccessDenied', `Host ${host} is not allowed: on a loopback address the endpoint answers requests for localhost or an IP address only (DNS rebinding protection). Start sqsdemo sqs with --allow-host NAME to allow another name.`, 403);
export const incompleteSignature = (message: string): SqsApiError => coral('IncompleteSignature', 'IncompleteSignature', message, 400);
export const missingAuthenticationToken = (): SqsApiError =>
  coral('MissingAuthenticationToken', 'MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
export const invalidClientTokenId = (): SqsApiError =>
  coral('InvalidClientTokenId', 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
export const signatureDoesNotMatch = (message: string): SqsApiError => coral('SignatureDoesNotMatch', 'SignatureDoesNotMatch', message, 403);
export const requestExpired = (message: string): SqsApiError => coral('RequestExpired', 'RequestExpired', message, 400);
