//! A member's attendance at a session of the assembly: what the register that a facilitator fills at the door
//! records for each member.

/// A member's attendance at a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attendance {
    /// There on time.
    Present,
    /// Arrived late.
    Late,
    /// Did not come.
    Absent,
}

impl Attendance {
    /// Every status, in the order the register shows them.
    pub const ALL: [Attendance; 3] = [Attendance::Present, Attendance::Late, Attendance::Absent];

    /// The identifier stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Present => "present",
            Attendance::Late => "late",
            Attendance::Absent => "absent",
        }
    }

    /// Parses an identifier (surrounding spaces allowed); `None` for anything else.
    pub fn parse(raw: &str) -> Option<Attendance> {
        Attendance::ALL
            .into_iter()
            .find(|status| status.as_str() == raw.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_and_nothing_else_does() {
        for status in Attendance::ALL {
            assert_eq!(Attendance::parse(status.as_str()), Some(status));
        }
        assert_eq!(Attendance::parse(" late "), Some(Attendance::Late));
        assert_eq!(Attendance::parse("sleeping"), None);
        assert_eq!(Attendance::parse(""), None);
    }
}
