"""Retention: audio deleted N days after its last job, tenant purges, audit log export."""
