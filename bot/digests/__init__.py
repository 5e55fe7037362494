"""Weekly goal-checkpoint digests: subscriptions, their slots, and the pass that posts the
due ones exactly once (claimed in the database), called by the scheduler or `digest run-due`."""
