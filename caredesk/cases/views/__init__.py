"""The staff desk's case pages: queues, the case page and its actions, logging a contact,
the line manager's breaches and absences."""
