"""code.retries: background jobs retry with backoff, and a job that fails for good goes somewhere.

A webhook, an e-mail or an embedding job that fails once on a provider's hiccup should
run again a little later; one that fails every time should land where someone sees it
(a dead-letter queue, a failure handler), not vanish. Facts record which job frameworks
the repository uses and which failure paths it has; the repository rules below turn a
framework without a failure path into a finding.
"""

from __future__ import annotations

from functools import partial

from launchwizard.code.common import (
    PY_SPLAT,
    file_has,
    js_arg,
    js_call,
    js_import,
    js_new,
    py_import,
    py_kwarg,
    py_kwarg_value,
    words,
)
from launchwizard.code.model import JS_FAMILY, PYTHON, Example, RepoRule, Rule, fact_rule
from launchwizard.results import Severity

CHECK = "code.retries"
_fact = partial(fact_rule, CHECK)
CELERY_TASK = r"^@\s*(?:shared_task|(?:celery|celery_app|app|capp|worker|tasks)\.task)\b"
RQ_ENQUEUE = ("enqueue", "enqueue_call", "enqueue_in", "enqueue_at")
CELERY_REFERENCE = "Celery: Tasks, Automatic retry for known exceptions"
BULLMQ_REFERENCE = "BullMQ: Retrying failing jobs"


def _celery_decorator_with(*kwargs: str) -> dict:
    return {"has": {"kind": "decorator", "regex": CELERY_TASK, "has": {"stopBy": "end", **py_kwarg(*kwargs)}}}


FACTS: tuple[Rule, ...] = (
    _fact(
        "celery-in-use",
        "framework:celery",
        PYTHON,
        py_import("celery"),
        ("celery",),
        (Example("from celery import Celery\napp = Celery('acme')\n"), Example("import celeryconfig\n", 0)),
    ),
    _fact(
        "rq-in-use",
        "framework:rq",
        PYTHON,
        py_import("rq"),
        ("rq",),
        (Example("from rq import Queue, Retry\n"), Example("import rqlite\n", 0)),
    ),
    _fact(
        "dramatiq-in-use",
        "framework:dramatiq",
        PYTHON,
        py_import("dramatiq"),
        ("dramatiq",),
        (Example("import dramatiq\n"), Example("import dramatiq_dashboard\n", 0)),
    ),
    _fact(
        "bullmq-in-use",
        "framework:bullmq",
        JS_FAMILY,
        js_import("bullmq", "bull"),
        ("bull",),
        (
            Example("import { Queue, Worker } from 'bullmq';\n"),
            Example("import bullish from 'bullish';\n", 0),
        ),
    ),
    _fact(
        "celery-failure-handler",
        "dead-letter:celery",
        PYTHON,
        {
            "rule": {
                "any": [
                    {"pattern": "task_failure.connect($$$)"},
                    {"kind": "decorator", "regex": r"^@\s*(?:signals\.)?task_failure\.connect\b"},
                    {"kind": "function_definition", "has": {"field": "name", "regex": r"^on_failure$"}},
                    {"kind": "keyword_argument", "has": {"field": "name", "regex": r"^link_error$"}},
                    {"kind": "string", "regex": r"x-dead-letter-exchange"},
                ]
            }
        },
        ("task_failure", "on_failure", "link_error", "x-dead-letter"),
        (
            Example(
                "from celery.signals import task_failure\n@task_failure.connect\ndef alert(**kw):\n"
                "    notify(kw)\n"
            ),
            Example(
                "class Base(Task):\n    def on_failure(self, exc, task_id, args, kwargs, einfo):\n"
                "        log(exc)\n"
            ),
            Example("send.apply_async(args, link_error=report.s())\n"),
            Example("Queue('jobs', queue_arguments={'x-dead-letter-exchange': 'dlx'})\n"),
            Example("def failure(): pass\n", 0),
        ),
    ),
    _fact(
        "celery-acks-late",
        "celery-acks-late",
        PYTHON,
        {
            "rule": {
                "any": [
                    {"pattern": "task_acks_late = True"},
                    {"pattern": "$C.task_acks_late = True"},
                    {"kind": "keyword_argument", "regex": r"^(?:task_)?acks_late\s*=\s*True$"},
                    {"kind": "pair", "regex": r"^['\"]task_acks_late['\"]\s*:\s*True$"},
                ]
            }
        },
        ("acks_late",),
        (
            Example("app.conf.task_acks_late = True\n"),
            Example("app.conf.update(task_acks_late=True)\n"),
            Example("task_acks_late = False\n", 0),
        ),
    ),
    _fact(
        "rq-failure-handler",
        "dead-letter:rq",
        PYTHON,
        {
            "rule": {
                "any": [
                    {
                        "kind": "keyword_argument",
                        "has": {"field": "name", "regex": r"^(?:on_failure|exception_handlers)$"},
                    },
                    {"kind": "identifier", "regex": r"^FailedJobRegistry$"},
                    {"pattern": "$W.push_exc_handler($$$)"},
                ]
            }
        },
        ("on_failure", "FailedJobRegistry", "exception_handlers", "push_exc_handler"),
        (
            Example("q.enqueue(send, to, retry=Retry(max=3), on_failure=report)\n"),
            Example("from rq.registry import FailedJobRegistry\n"),
            Example("q.enqueue(send, to)\n", 0),
        ),
    ),
    _fact(
        "bullmq-failure-handler",
        "dead-letter:bullmq",
        JS_FAMILY,
        {"rule": {"all": [js_call(r"\.on$"), js_arg(1, {"kind": "string", "regex": r"^['\"]failed['\"]$"})]}},
        ("failed",),
        (
            Example("worker.on('failed', (job, err) => alert(job, err));\n"),
            Example('events.on("failed", ({ jobId }) => log(jobId));\n'),
            Example("worker.on('completed', done);\n", 0),
        ),
    ),
)

FINDINGS: tuple[Rule, ...] = (
    Rule(
        id="py-celery-task-no-retry",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "kind": "decorated_definition",
                "has": {"kind": "decorator", "regex": CELERY_TASK},
                "not": {
                    "any": [
                        _celery_decorator_with("autoretry_for"),
                        {
                            "has": {
                                "field": "definition",
                                "has": {"stopBy": "end", "pattern": "$T.retry($$$)"},
                            }
                        },
                    ]
                },
            }
        },
        message="Celery task without retries: one timeout or rate limit from a provider and the job is lost",
        fix=(
            "@shared_task(autoretry_for=(TransientError,), retry_backoff=True, retry_jitter=True, "
            "max_retries=5, "
            "acks_late=True), or call self.retry(exc=exc) in a bound task."
        ),
        severity=Severity.MEDIUM,
        keywords=(".task", "shared_task"),
        reference=CELERY_REFERENCE,
        requires_facts=("framework:celery",),
        examples=(
            Example(
                "from celery import shared_task\n@shared_task\ndef send_welcome(user_id):\n"
                "    mail(user_id)\n"
            ),
            Example(
                (
                    "from celery import Celery\napp = Celery('acme')\n@app.task(bind=True)\n"
                    "def embed(self, doc):\n"
                    "    index(doc)\n"
                ),
                path="app/tasks.py",
            ),
            Example(
                "from celery import shared_task\n@shared_task(autoretry_for=(IOError,), retry_backoff=True)\n"
                "def f(x):\n    g(x)\n",
                0,
            ),
            Example(
                "from celery import shared_task\n@shared_task(bind=True, max_retries=5)\ndef f(self, x):\n"
                "    try:\n        g(x)\n    except IOError as exc:\n        raise self.retry(exc=exc)\n",
                0,
            ),
            Example("@huey.task()\ndef f(x):\n    g(x)\n", 0),
        ),
    ),
    Rule(
        id="py-celery-retry-no-backoff",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "kind": "decorated_definition",
                "all": [
                    _celery_decorator_with("autoretry_for"),
                    {"not": _celery_decorator_with("retry_backoff")},
                ],
            }
        },
        message=(
            "Celery task retries at a fixed delay: every failed job hits the provider again at the "
            "same moment"
        ),
        fix=(
            "Add retry_backoff=True and retry_jitter=True (exponential backoff with jitter) beside "
            "autoretry_for."
        ),
        severity=Severity.LOW,
        keywords=("autoretry_for",),
        reference=CELERY_REFERENCE,
        requires_facts=("framework:celery",),
        examples=(
            Example(
                "from celery import shared_task\n@shared_task(autoretry_for=(IOError,))\ndef f(x):\n"
                "    g(x)\n"
            ),
            Example(
                "from celery import shared_task\n@shared_task(autoretry_for=(IOError,), retry_backoff=5)\n"
                "def f(x):\n    g(x)\n",
                0,
            ),
        ),
    ),
    Rule(
        id="py-rq-enqueue-no-retry",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    {"pattern": "$Q.$M($$$)"},
                    {
                        "has": {
                            "field": "function",
                            "has": {"field": "attribute", "regex": words(*RQ_ENQUEUE)},
                        }
                    },
                    {"not": {"any": [py_kwarg("retry"), PY_SPLAT]}},
                ]
            }
        },
        message="RQ job enqueued without retries: RQ does not retry a failed job unless told to",
        fix=(
            "queue.enqueue(func, *args, retry=Retry(max=3, interval=[10, 30, 60]), "
            "on_failure=report_failure)."
        ),
        severity=Severity.MEDIUM,
        keywords=("enqueue",),
        reference="RQ: Jobs, Retrying failed jobs",
        requires=(py_import("rq"),),
        examples=(
            Example("from rq import Queue\nq = Queue(connection=r)\nq.enqueue(send_email, to)\n"),
            Example("from rq import Queue, Retry\nq.enqueue(send_email, to, retry=Retry(max=3))\n", 0),
            Example("import queue\nq.enqueue(x)\n", 0),
        ),
    ),
    Rule(
        id="py-dramatiq-actor-no-retry",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "kind": "decorator",
                "regex": r"^@\s*(?:dramatiq\.)?actor\b",
                "has": {"stopBy": "end", **py_kwarg_value("max_retries", r"^0$")},
            }
        },
        message="Dramatiq actor with max_retries=0: the retries Dramatiq gives by default are switched off",
        fix="Drop max_retries=0 (Dramatiq retries with exponential backoff, then dead-letters) or set "
        "max_retries=5 with retry_when for errors that are not worth retrying.",
        severity=Severity.MEDIUM,
        keywords=("max_retries",),
        reference="Dramatiq: Error handling (Retries middleware)",
        requires=(py_import("dramatiq"),),
        examples=(
            Example("import dramatiq\n@dramatiq.actor(max_retries=0)\ndef f(x):\n    g(x)\n"),
            Example("import dramatiq\n@dramatiq.actor(max_retries=5)\ndef f(x):\n    g(x)\n", 0),
            Example("import dramatiq\n@dramatiq.actor\ndef f(x):\n    g(x)\n", 0),
        ),
    ),
    Rule(
        id="js-bullmq-queue-no-attempts",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    js_new(r"^Queue$"),
                    {
                        "not": {
                            "has": {
                                "field": "arguments",
                                "has": {
                                    "stopBy": "end",
                                    "any": [
                                        {"kind": "pair", "has": {"field": "key", "regex": r"^attempts$"}},
                                        {"kind": "spread_element"},
                                    ],
                                },
                            }
                        }
                    },
                ]
            }
        },
        message="BullMQ queue without attempts: a job runs once and a failure is final",
        fix="new Queue(name, { connection, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', "
        "delay: 1000 }, removeOnFail: false } }).",
        severity=Severity.MEDIUM,
        keywords=("Queue(",),
        reference=BULLMQ_REFERENCE,
        requires=(js_import("bullmq", "bull"),),
        unless=(
            file_has(
                {
                    "all": [
                        js_call(r"\.add(?:Bulk)?$"),
                        {
                            "has": {
                                "stopBy": "end",
                                "kind": "pair",
                                "has": {"field": "key", "regex": r"^attempts$"},
                            }
                        },
                    ]
                }
            ),
        ),
        examples=(
            Example(
                "import { Queue } from 'bullmq';\nexport const mail = new Queue('mail', { connection });\n"
            ),
            Example(
                (
                    "import { Queue } from 'bullmq';\n"
                    "const q = new Queue('mail', { connection, defaultJobOptions: "
                    "{ attempts: 5, backoff: { type: 'exponential', delay: 1000 } } });\n"
                ),
                0,
            ),
            Example(
                "import { Queue } from 'bullmq';\nconst q = new Queue('mail');\nawait q.add('send', data, "
                "{ attempts: 3 });\n",
                0,
            ),
            Example("import { Queue } from './my-queue';\nconst q = new Queue('x');\n", 0),
        ),
    ),
    Rule(
        id="js-bullmq-remove-on-fail",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={"rule": {"kind": "pair", "regex": r"^removeOnFail\s*:\s*true$"}},
        message="BullMQ removes failed jobs (removeOnFail: true): a job that failed for good leaves no trace",
        fix=(
            "Keep failed jobs (removeOnFail: false, or { age: 7 * 24 * 3600 }) so they can be inspected "
            "and retried."
        ),
        severity=Severity.MEDIUM,
        keywords=("removeOnFail",),
        reference=BULLMQ_REFERENCE,
        requires=(js_import("bullmq", "bull"),),
        examples=(
            Example("import { Queue } from 'bullmq';\nq.add('x', d, { attempts: 3, removeOnFail: true });\n"),
            Example(
                "import { Queue } from 'bullmq';\nq.add('x', d, { attempts: 3, removeOnFail: 1000 });\n", 0
            ),
        ),
    ),
)

RULES: tuple[Rule, ...] = (*FACTS, *FINDINGS)

REPO_RULES: tuple[RepoRule, ...] = (
    RepoRule(
        id="celery-no-failure-handler",
        check=CHECK,
        when="framework:celery",
        unless=("dead-letter:celery",),
        message="Celery is used but nothing handles a task that fails for good: no task_failure signal, "
        "on_failure handler, link_error or dead-letter exchange",
        fix=(
            "Connect a handler to celery.signals.task_failure that reports to your error tracker (or give "
            "the "
            "queue an x-dead-letter-exchange on RabbitMQ), so exhausted tasks are seen and can be replayed."
        ),
        severity=Severity.MEDIUM,
        reference="Celery: Signals, task_failure",
    ),
    RepoRule(
        id="celery-early-ack",
        check=CHECK,
        when="framework:celery",
        unless=("celery-acks-late",),
        message=(
            "Celery acknowledges tasks before running them (acks_late is off): a worker killed "
            "mid-task loses it"
        ),
        fix="Set task_acks_late = True (and task_reject_on_worker_lost = True) for idempotent tasks.",
        severity=Severity.LOW,
        reference="Celery: Configuration, task_acks_late",
    ),
    RepoRule(
        id="rq-no-failure-handler",
        check=CHECK,
        when="framework:rq",
        unless=("dead-letter:rq",),
        message="RQ is used but no failure callback or exception handler: failed jobs sit in the "
        "FailedJobRegistry where nobody looks",
        fix="Pass on_failure=report_failure when enqueueing (or a worker exception handler) that alerts, and "
        "requeue from FailedJobRegistry once fixed.",
        severity=Severity.LOW,
        reference="RQ: Exceptions & Retries",
    ),
    RepoRule(
        id="bullmq-no-failed-handler",
        check=CHECK,
        when="framework:bullmq",
        unless=("dead-letter:bullmq",),
        message="BullMQ is used but nothing listens for failed jobs",
        fix=(
            "worker.on('failed', (job, err) => report(job, err)) (or a QueueEvents 'failed' listener) that "
            "alerts "
            "once attempts are exhausted; keep failed jobs (removeOnFail: false) to replay them."
        ),
        severity=Severity.MEDIUM,
        reference="BullMQ: Events (failed)",
    ),
)
