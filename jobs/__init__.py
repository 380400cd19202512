"""Work that takes longer than a page should wait: a job a person (or the application) started, run
by the task workers in parts, with its progress, its result and its errors (see ``jobs.services``)."""
