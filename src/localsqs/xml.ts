/**
 * Query-protocol responses: the JSON output shape rendered as SQS's XML, with
 * its flattened lists (`<QueueUrl>` repeated, `<Message>` repeated) and maps
 * (`<Attribute><Name/><Value/></Attribute>`).
 */
const NS = 'http://queue.amazonaws.com/doc/2012-11-05/';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === "'" ? '&apos;' : '&#xD;'));
}

/** Element name of each item of a list field. */
const LIST_ITEM: Record<string, string> = {
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
  Results: 'ListMessageMoveTasksResultEntry',
};
/** Map fields: element name and key/value element names. */
const MAPS: Record<string, readonly [string, string, string]> = {
  Attributes: ['Attribute', 'Name', 'Value'],
  MessageAttributes: ['MessageAttribute', 'Name', 'Value'],
  Tags: ['Tag', 'Key', 'Value'],
};

function render(key: string, value: unknown, action: string, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    const item = key === 'Successful' ? `${action}ResultEntry` : (LIST_ITEM[key] ?? key);
    for (const v of value) renderElement(item, v, action, out);
    return;
  }
  const map = MAPS[key];
  if (map !== undefined && typeof value === 'object') {
    const [el, k, v] = map;
    for (const [name, val] of Object.entries(value as Record<string, unknown>)) {
      out.push(`<${el}><${k}>${escapeXml(name)}</${k}>`);
      renderElement(v, val, action, out);
      out.push(`</${el}>`);
    }
    return;
  }
  renderElement(key, value, action, out);
}

function renderElement(name: string, value: unknown, action: string, out: string[]): void {
  if (typeof value === 'object' && value !== null) {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) render(k, v, action, out);
    out.push(`</${name}>`);
  } else {
    out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  }
}

export function xmlResponse(action: string, output: object, requestId: string): string {
  const out: string[] = [`<?xml version="1.0"?><${action}Response xmlns="${NS}">`];
  const fields = Object.entries(output);
  if (fields.length > 0 || RESULT_ALWAYS.has(action)) {
    out.push(`<${action}Result>`);
    for (const [k, v] of fields) render(k, v, action, out);
    out.push(`</${action}Result>`);
  }
  out.push(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
  return out.join('');
}

/** Actions whose response has a (possibly empty) Result element. */
const RESULT_ALWAYS = new Set([
  'ReceiveMessage', 'ListQueues', 'GetQueueAttributes', 'ListQueueTags', 'ListDeadLetterSourceQueues',
  'SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch', 'CreateQueue', 'GetQueueUrl', 'SendMessage',
  'StartMessageMoveTask', 'ListMessageMoveTasks', 'CancelMessageMoveTask',
]);

export function xmlError(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
