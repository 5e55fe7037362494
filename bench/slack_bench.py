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
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench.ask_bench import demo_database
from bench.scale import TODAY
from bench.tools_bench import machine, percentile, record_section
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import command_body, event_body
from tests.slack_app import MEMBER, Served

QUESTIONS = (
    "top 5 partners by revenue last month",
    "how did northwind do last quarter?",
    "are we on track for our goals?",
    "pending applications",
    "which partners need attention?",
    "revenue by partner type this quarter",
)
BAR_MS = 100.0


@dataclass
class Round:
    acks_ms: list[float] = field(default_factory=list)
    answers_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    unanswered: int = 0


def one_round(served: Served, slack: FakeSlack, n: int, tag: str) -> Round:
    result = Round()
    sent: dict[str, float] = {}
    lock = threading.Lock()
    clock = served.clock()
    barrier = threading.Barrier(n)

    def fire(i: int) -> None:
        question = QUESTIONS[i % len(QUESTIONS)]
        if i % 2 == 0:
            ts = f"17646{i:05d}.{tag}"
            event = {
                "type": "app_mention",
                "user": MEMBER,
                "channel": "CBENCH0001",
                "text": f"<@UBOT0001> {question}",
                "ts": ts,
            }
            body, content_type = event_body(event, team_id=slack.team_id, event_id=f"Ev-{tag}-{i}")
            key = f"thread:{ts}"
        else:
            name = f"{tag}-{i}"
            body, content_type = command_body(
                question,
                user_id=MEMBER,
                channel_id="CBENCH0001",
                team_id=slack.team_id,
                response_url=slack.response_url(name),
            )
            key = f"response:{name}"
        barrier.wait()
        started = time.perf_counter()
        with lock:
            sent[key] = started
        from tests.fakes.slack_requests import post

        response = post(
            served.url + "/slack/events",
            body,
            content_type=content_type,
            secret="test-signing-secret",
            timestamp=clock,
        )
        with lock:
            result.acks_ms.append((time.perf_counter() - started) * 1000)
            result.statuses.append(response.status)

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
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
    with FakeSlack() as slack:
        served = Served(url, slack, today=TODAY)
        try:
            one_round(served, slack, 6, "warm")  # imports, caches, first connections
            slack.reset()
            for r in range(args.rounds):
                outcome = one_round(served, slack, args.requests, f"r{r}")
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
`/partners` questions) to one `partnerops serve --http` process (waitress, 16 HTTP threads,
8 answer workers) on the demo program (SQLite, offline router), fake Slack on loopback.

| | p50 | p95 | p99 | max |
|---|---:|---:|---:|---:|
| acknowledgement (HTTP response) | {_row(acks)} |
| time to answer (posted / response_url) | {_row(answers)} |

Requests: {len(acks)}, answered: {len(answers)}, unanswered: {unanswered}. Bar: ack p99 <
{BAR_MS:.0f} ms with every request answered: **{verdict}**.
"""
    print(body)
    if not args.no_record:
        record_section("Slack app under load", body)


if __name__ == "__main__":
    main()
