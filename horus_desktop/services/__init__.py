"""Services: what the app does, above the store and below the UI and the API (no Qt, no SQL here)."""
