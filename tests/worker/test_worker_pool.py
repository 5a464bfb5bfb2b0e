"""The in-process queue: jobs on threads, CPU work in spawned processes, crashes contained."""

from __future__ import annotations

import os
import threading
import time

import pytest

from docket.worker.pool import InProcessQueue, WorkerCrashed, WorkTimedOut


def test_cpu_work_runs_in_another_process_and_survives_a_crash() -> None:
    queue = InProcessQueue(1)
    try:
        assert queue.run_cpu(os.getpid) != os.getpid()
        with pytest.raises(WorkerCrashed):
            queue.run_cpu(os._exit, 3)
        assert queue.run_cpu(pow, 2, 10) == 1024  # a fresh pool took over
        done = threading.Event()
        queue.enqueue(done.set)
        assert done.wait(10)
    finally:
        queue.shutdown()


def test_shutdown_stops_the_worker_processes() -> None:
    queue = InProcessQueue(2)
    pids = {queue.run_cpu(os.getpid) for _ in range(4)}
    queue.shutdown()
    assert queue.closed
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)


def test_a_hung_job_is_stopped_at_its_time_limit() -> None:
    queue = InProcessQueue(1)
    try:
        start = time.monotonic()
        with pytest.raises(WorkTimedOut):
            queue.run_cpu(time.sleep, 30, timeout_s=0.5)
        assert time.monotonic() - start < 10
        assert queue.run_cpu(pow, 3, 2) == 9
    finally:
        queue.shutdown()


def test_jobs_start_by_priority_then_arrival() -> None:
    queue = InProcessQueue(1)  # two runner threads
    try:
        gates = [threading.Event(), threading.Event()]
        both_busy = threading.Barrier(3)
        started: list[str] = []

        def blocker(gate: threading.Event) -> None:
            both_busy.wait(10)
            gate.wait(10)

        for gate in gates:
            queue.enqueue(lambda g=gate: blocker(g))
        both_busy.wait(10)  # both threads are taken: everything below waits in the queue
        for name, priority in [("late", 90), ("a", 10), ("normal", 50), ("b", 10), ("first", 1)]:
            queue.enqueue(lambda n=name: started.append(n), priority)
        done = threading.Event()
        queue.enqueue(done.set, 100)
        gates[0].set()  # one thread drains the queue alone: the order is deterministic
        assert done.wait(10)
        assert started == ["first", "a", "b", "normal", "late"]
        gates[1].set()
    finally:
        queue.shutdown()
