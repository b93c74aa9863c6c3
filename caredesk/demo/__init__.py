"""The demo organisation: `caredesk demo` builds a realistic landlord on an empty database.

- `landlords`: who the two demo landlords are (offices, teams, the people you sign in as,
  what their customers write about);
- `organisation`: offices, teams, staff with roles, absences and cover;
- `customers`: customers and their preferences (Faker, en_GB);
- `cases`: a year of cases on every channel, each with a believable timeline, told
  through `caredesk.cases.drafts` so they can be written with bulk inserts (every due
  time still comes from the engine);
- `build`: `build_demo`, the summary, and finding or wiping an earlier demo.
"""
