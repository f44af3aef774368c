"""guardfix: find and fix Next.js Server Actions that mutate data without an auth check."""

__version__ = "0.1.0"
