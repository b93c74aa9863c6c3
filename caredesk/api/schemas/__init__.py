"""What each router takes and answers: api/<router>.py's schemas are in schemas/<router>.py."""
