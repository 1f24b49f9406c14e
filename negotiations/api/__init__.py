"""The negotiation record over the REST API: tracks, meetings, proposals (+ events, responses), sticking
points (+ status changes, positions), figures and citations."""
