#!/usr/bin/env python3
"""Where moto's SQS server departs from AWS in ways sqsdemo's specs meet (boto3, a real socket).

    python3 -m moto.server -H 127.0.0.1 -p 5917 &
    python3 scripts/moto-quirks.py http://127.0.0.1:5917

Each line says what moto did and what AWS documents. Races are repeated and
counted, not asserted: this documents moto (5.2.1 when written), it is not a
test (docs/ARCHITECTURE.md, "Against moto", has the source lines).
"""
import sys
import threading
import time
import uuid

import boto3
from botocore.config import Config

ENDPOINT = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
sqs = boto3.client(
    "sqs", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
    config=Config(max_pool_connections=32, retries={"max_attempts": 1}),
)


def queue(fifo=False, **attributes):
    name = f"quirk-{uuid.uuid4().hex[:8]}" + (".fifo" if fifo else "")
    if fifo:
        attributes["FifoQueue"] = "true"
    return sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]


def receive(url, out, count=1, wait=0):
    out.extend(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=count, WaitTimeSeconds=wait).get("Messages", []))


def stale_group_lock(rounds=5):
    """Two long polls wait on an empty FIFO queue; m1 then m2 of one group arrive."""
    both = 0
    for _ in range(rounds):
        url = queue(fifo=True)
        outs = [[], []]
        polls = [threading.Thread(target=receive, args=(url, outs[i], 1, 5)) for i in range(2)]
        for p in polls:
            p.start()
        time.sleep(0.5)  # a script, not a test: let both receives enter moto's polling loop
        sqs.send_message(QueueUrl=url, MessageBody="m1", MessageGroupId="G", MessageDeduplicationId="1")
        deadline = time.time() + 5
        while not (outs[0] or outs[1]) and time.time() < deadline:
            time.sleep(0.01)
        sqs.send_message(QueueUrl=url, MessageBody="m2", MessageGroupId="G", MessageDeduplicationId="2")
        for p in polls:
            p.join()
        both += 1 if outs[0] and outs[1] else 0
    print(f"group lock: in {both} of {rounds} rounds two waiting long polls got m1 and m2 of one group at once"
          " | AWS: m2 waits until m1 is deleted or visible again")


def lost_deletes(rounds=3, n=1000, threads=8):
    """n messages in flight, n DeleteMessage calls from several threads, each answered 200; a few rounds."""
    answered = kept = 0
    for _ in range(rounds):
        a, k = lost_deletes_round(n, threads)
        answered += a
        kept += k
    print(f"deletes: {rounds} x {n} concurrent DeleteMessage calls, {answered} answered 200, yet"
          f" {kept} of those messages are still in flight | AWS: 0")


def lost_deletes_round(n, threads):
    url = queue(VisibilityTimeout=600)
    for i in range(0, n, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(j), "MessageBody": f"m{i + j}"} for j in range(10)])
    handles = []
    while len(handles) < n:
        handles += [m["ReceiptHandle"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]
    failed = []

    def delete(k):
        for h in handles[k::threads]:
            try:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=h)
            except Exception as err:  # noqa: BLE001 - counted and shown
                failed.append(err)

    workers = [threading.Thread(target=delete, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return n - len(failed), int(left["ApproximateNumberOfMessagesNotVisible"])


def deduplication():
    url = queue(fifo=True)
    first = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="G", MessageDeduplicationId="same")
    again = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="G", MessageDeduplicationId="same")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    print(f"deduplication while queued: {len(got)} delivered, the duplicate's MessageId is"
          f" {'the same' if first['MessageId'] == again['MessageId'] else 'a new one'} | AWS: 1 delivered, the first MessageId")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="G", MessageDeduplicationId="same")
    late = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    print(f"deduplication after the first copy was deleted: the resend is delivered {'again' if late else 'not'}"
          " | AWS: not delivered within 5 minutes of the first send")


def sequence_numbers(n=20):
    url = queue(fifo=True)
    seqs = [int(sqs.send_message(QueueUrl=url, MessageBody=str(i), MessageGroupId="G", MessageDeduplicationId=str(i))["SequenceNumber"]) for i in range(n)]
    rising = all(a < b for a, b in zip(seqs, seqs[1:]))
    print(f"SequenceNumber: {n} sends of one group {'increase' if rising else 'do not increase'} | AWS: they increase")


if __name__ == "__main__":
    stale_group_lock()
    lost_deletes()
    deduplication()
    sequence_numbers()
