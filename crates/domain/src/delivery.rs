//! How a member's one-time sign-in code reaches them (issue 18, item 2): the [`Channel`] (email, SMS, or a printed
//! letter for members without email) and the [`DeliveryStatus`] that staff see per member, never the code.

/// The way a code goes to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// To the member's own email address.
    Email,
    /// To the member's phone number by SMS.
    Sms,
    /// Printed in a sealed letter of a batch that the organiser posts (members without email).
    Letter,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Letter];

    /// The stored identifier (also the form value).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Letter => "letter",
        }
    }

    /// The channel of a stored identifier or form value, if it is one.
    pub fn from_stored(raw: &str) -> Option<Channel> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.as_str() == raw.trim())
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for a deliverer (or, for a letter, for the next printed batch).
    Pending,
    /// Claimed by a deliverer, which is sending it now.
    Sending,
    /// Handed to the relay or the SMS sender.
    Sent,
    /// The sender refused it or could not be reached; it can be sent again.
    Failed,
    /// Printed in a letter batch.
    Printed,
    /// Replaced by a newer delivery, or the member left.
    Cancelled,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [DeliveryStatus; 6] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Sending,
        DeliveryStatus::Sent,
        DeliveryStatus::Failed,
        DeliveryStatus::Printed,
        DeliveryStatus::Cancelled,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Printed => "printed",
            DeliveryStatus::Cancelled => "cancelled",
        }
    }

    /// The status of a stored identifier, if it is one.
    pub fn from_stored(raw: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_and_statuses_read_back_what_they_store() {
        for channel in Channel::ALL {
            assert_eq!(Channel::from_stored(channel.as_str()), Some(channel));
        }
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::from_stored(status.as_str()), Some(status));
        }
        assert_eq!(Channel::from_stored("pigeon"), None);
        assert_eq!(DeliveryStatus::from_stored(""), None);
    }
}
