"""The job runtime: how long work is recorded, sent to the workers and kept alive.

- `records`: the Job row — create, claim, progress, heartbeat, the leftovers a job names,
  the outcome — and `run_job`, the one runner every task and every in-process run uses.
- `broker`: the task queue — enqueue by the job's kind (a table of task names), send
  again what the broker never got or lost, ask the workers what they hold.
- `liveness`: the sweep that fails jobs whose worker is gone (clearing their leftovers)
  and resends lost ones, and the worker signals that run it.

Services call in here; nothing here calls a service: a task is named, not imported, and
what a lost job leaves behind is written on its own row.
"""
