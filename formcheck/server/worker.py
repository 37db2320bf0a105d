"""The analysis workers: huey's consumer with process workers, on this machine or another.

`formcheck serve` starts it as a child process; on other machines `formcheck worker` does,
with the same database, queue and clip storage (a shared folder).
"""

from __future__ import annotations

import logging

from formcheck.server import jobs
from formcheck.server.config import ServerConfig

log = logging.getLogger(__name__)

#: a worker process is replaced after this many jobs, so memory cannot creep up over days
JOBS_PER_PROCESS = 50


def run_consumer(config: ServerConfig) -> None:
    """Run the consumer until it is stopped (SIGINT: finish the jobs in hand; SIGTERM: now)."""
    from huey.consumer import Consumer

    from formcheck.memory import limit_malloc_arenas, release_freed_memory

    limit_malloc_arenas()
    queue = jobs.JobQueue(config)
    jobs._WORKER.update(config=config, queue=queue)  # noqa: SLF001  (the tasks' settings)

    @queue.huey.post_execute()
    def _give_memory_back(_task: object, _value: object, _exc: object) -> None:
        release_freed_memory()

    consumer = Consumer(
        queue.huey,
        workers=max(1, config.workers),
        worker_type="process",
        check_worker_health=True,
        health_check_interval=2,
        max_tasks=JOBS_PER_PROCESS,
        initial_delay=0.1,
        max_delay=0.5,
    )
    consumer.run()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)
    run_consumer(ServerConfig.from_env())


if __name__ == "__main__":
    main()
