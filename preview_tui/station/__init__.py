"""Session services without Textual: what a station, a room's seats and the room's views do, for any front end to drive."""
