"""50 concurrent signed Slack requests at one `partnerops serve --http` instance.

The bar (issue 13): acknowledgement p99 < 100 ms while the answers compute, and every
request answered. Half the requests are @mentions (answered with chat.postMessage in the
thread), half `/partners` questions (answered through response_url). The server is a real
process on the demo program (60 partners × 730 days, SQLite) with the offline router;
the fake Slack Web API (loopback) records the answers, and a request's time to answer
runs from sending it to its answer being recorded.
Rewrites the "## Slack app under load" section of bench/RESULTS.md (--no-record to print).

    python -m bench.slack_bench [--requests 50] [--rounds 3] [--no-record]
"""

from __future__ import annotations

import argparse
import multiprocessing
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench.ask_bench import demo_database
from bench.scale import TODAY
from bench.tools_bench import machine, percentile, record_section
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import command_body, event_body, post
from tests.slack_app import MEMBER, SECRET, Served

QUESTIONS = (
    "top 5 partners by revenue last month",
    "how did northwind do last quarter?",
    "are we on track for our goals?",
    "pending applications",
    "which partners need attention?",
    "revenue by partner type this quarter",
)
BAR_MS = 100.0
WORKERS: dict[str, str] = {}
RUN = uuid.uuid4().hex[:8]
"""Event ids are unique per run: the server keeps the ids it has taken in the database."""


@dataclass
class Round:
    acks_ms: list[float] = field(default_factory=list)
    answers_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    unanswered: int = 0


Request = tuple[str, str, str]
"""(answer key, body, content type)."""


def _requests(slack: FakeSlack, n: int, tag: str, round_no: int) -> list[Request]:
    out: list[Request] = []
    for i in range(n):
        question = QUESTIONS[i % len(QUESTIONS)]
        if i % 2 == 0:
            ts = f"{1764700000 + round_no * 1000 + i}.000100"
            event = {
                "type": "app_mention",
                "user": MEMBER,
                "channel": "CBENCH0001",
                "text": f"<@UBOT0001> {question}",
                "ts": ts,
            }
            body, content_type = event_body(
                event, team_id=slack.team_id, event_id=f"Ev-{RUN}-{tag}-{i}"
            )
            out.append((f"thread:{ts}", body, content_type))
        else:
            name = f"{tag}-{i}"
            body, content_type = command_body(
                question,
                user_id=MEMBER,
                channel_id="CBENCH0001",
                team_id=slack.team_id,
                response_url=slack.response_url(name),
            )
            out.append((f"response:{name}", body, content_type))
    return out


def fire_all(url: str, requests: list[Request], clock: int) -> list[tuple[str, float, float, int]]:
    """In a process of its own (so the fake Slack's work is not on its GIL): send every
    request at once; (key, sent at, ack ms, status) for each. perf_counter is the
    system-wide monotonic clock, comparable with the fake's timestamps."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[str, float, float, int]] = []
    lock = threading.Lock()

    def fire(request: Request) -> None:
        key, body, content_type = request
        barrier.wait()
        started = time.perf_counter()
        response = post(url, body, content_type=content_type, secret=SECRET, timestamp=clock)
        with lock:
            results.append((key, started, (time.perf_counter() - started) * 1000, response.status))

    threads = [threading.Thread(target=fire, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def one_round(
    served: Served, slack: FakeSlack, n: int, tag: str, round_no: int, sender: ProcessPoolExecutor
) -> Round:
    result = Round()
    requests = _requests(slack, n, tag, round_no)
    fired = sender.submit(fire_all, served.url + "/slack/events", requests, served.clock()).result()
    sent = {key: started for key, started, _, _ in fired}
    result.acks_ms = [ack for _, _, ack, _ in fired]
    result.statuses = [status for _, _, _, status in fired]
    deadline = time.perf_counter() + 120
    pending = dict(sent)
    while pending and time.perf_counter() < deadline:
        for call in slack.calls:
            key = None
            if call.method == "chat.postMessage" and call.params.get("thread_ts"):
                key = f"thread:{call.params['thread_ts']}"
            elif call.method.startswith("response_url:"):
                key = f"response:{call.method.split(':', 1)[1]}"
            if key in pending:
                result.answers_ms.append((call.at - pending.pop(key)) * 1000)
        time.sleep(0.05)
    result.unanswered = len(pending)
    return result


def _row(samples: list[float]) -> str:
    return " | ".join(
        f"{v:.0f} ms" for v in (*(percentile(samples, p) for p in (50, 95, 99)), max(samples))
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    url = demo_database()
    rows = []
    context = multiprocessing.get_context("spawn")
    with FakeSlack() as slack, ProcessPoolExecutor(1, mp_context=context) as sender:
        served = Served(url, slack, today=TODAY, **WORKERS)
        try:
            one_round(served, slack, 6, "warm", 99, sender)  # imports, caches, first connections
            slack.reset()
            for r in range(args.rounds):
                outcome = one_round(served, slack, args.requests, f"r{r}", r, sender)
                slack.reset()
                rows.append(outcome)
                acks, answers = outcome.acks_ms, outcome.answers_ms
                print(
                    f"round {r + 1}: ack p50 {percentile(acks, 50):.0f} ms, p99 "
                    f"{percentile(acks, 99):.0f} ms, max {max(acks):.0f} ms; answer p50 "
                    f"{percentile(answers, 50):.0f} ms, p99 {percentile(answers, 99):.0f} ms, "
                    f"max {max(answers):.0f} ms; statuses {sorted(set(outcome.statuses))}; "
                    f"unanswered {outcome.unanswered}"
                )
        finally:
            served.stop()
    acks = [a for r in rows for a in r.acks_ms]
    answers = [a for r in rows for a in r.answers_ms]
    unanswered = sum(r.unanswered for r in rows)
    verdict = "pass" if percentile(acks, 99) < BAR_MS and unanswered == 0 else "**FAIL**"
    body = f"""
Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; `python -m bench.slack_bench`.
{args.rounds} rounds of {args.requests} signed requests sent at once (half @mentions, half
`/partners` questions) from a sender process of their own to one `partnerops serve --http`
(waitress, 16 HTTP threads, 2 answer processes at lower CPU priority) on the demo program
(SQLite, offline router), fake Slack on loopback.

| | p50 | p95 | p99 | max |
|---|---:|---:|---:|---:|
| acknowledgement (HTTP response) | {_row(acks)} |
| time to answer (posted / response_url) | {_row(answers)} |

Requests: {len(acks)}, answered: {len(answers)}, unanswered: {unanswered}. Bar: ack p99 <
{BAR_MS:.0f} ms with every request answered: {verdict}.

Per round: {"; ".join(f"p99 {percentile(r.acks_ms, 99):.0f} ms" for r in rows)}. Where the
time goes: 50 requests land in the same millisecond and one interpreter verifies, parses
and dispatches them one after another (~1–2 ms each), so the 50th waits for the 49 before
it; `help` × 50, which computes nothing, measures p99 55–85 ms here. Answers no longer
compete for the serving process's GIL (they run in 2 worker processes at lower CPU
priority, and listeners only ack and hand off, with `process_before_response`), but on 2
cores the sender, the fake Slack, the server and the answer processes share the CPU.
"""
    print(body)
    if not args.no_record:
        record_section("Slack app under load", body)


if __name__ == "__main__":
    main()
