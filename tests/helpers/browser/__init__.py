"""The browser journeys' live server, journey driver and shared flows (tests/browser/)."""
