"""Real-world corpus harness: leakdesk audit and sanitize on public test files (issue 4)."""
