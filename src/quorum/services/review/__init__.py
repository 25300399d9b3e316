"""Review: queues of completed tasks for reviewers, and their accept / fix / reject decisions."""
