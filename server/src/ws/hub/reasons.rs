//! Fixed metric and quarantine codes for the engine's refusals.

use sync_core::sync::{CodecError, Message, RejectReason};

/// The snake_case code of `reason` (a bounded set of metric label values).
pub(super) fn code(reason: &RejectReason) -> &'static str {
    match reason {
        RejectReason::Malformed(CodecError::TooLarge { .. }) => "message_too_large",
        RejectReason::Malformed(CodecError::UnknownType(_)) => "unknown_message_type",
        RejectReason::Malformed(CodecError::InvalidDocumentId(_)) => "invalid_document_id",
        RejectReason::Malformed(_) => "malformed",
        RejectReason::NotJoined => "not_joined",
        RejectReason::UnsupportedVersion => "unsupported_version",
        RejectReason::SenderMismatch => "sender_mismatch",
        RejectReason::Unexpected => "unexpected_message",
        RejectReason::InvalidSyncMessage => "invalid_sync_message",
        RejectReason::ApplyFailed => "apply_failed",
        RejectReason::AccessDenied => "access_denied",
        RejectReason::CorruptStoredDoc => "corrupt_stored_doc",
        RejectReason::GuardRefused(_) => "guard_refused",
    }
}

/// Whether a refusal keeps the frame in quarantine. Access denials only count: they are the
/// expected answer to a device asking for someone else's document, they do not close the
/// connection, and storing each would let one socket fill the quarantine table.
pub(super) fn quarantines(reason: &RejectReason) -> bool {
    !matches!(
        reason,
        RejectReason::AccessDenied | RejectReason::CorruptStoredDoc
    )
}

/// Whether `bytes` is a `sync` (or `request`) message.
pub(super) fn is_sync_message(bytes: &[u8]) -> bool {
    matches!(
        sync_core::sync::decode(bytes, usize::MAX),
        Ok(Message::Sync(_) | Message::Request(_))
    )
}

/// Whether `bytes` is a `heads-batch-result` naming no document out of sync.
pub(super) fn is_all_in_sync(bytes: &[u8]) -> bool {
    matches!(
        sync_core::sync::decode(bytes, usize::MAX),
        Ok(Message::HeadsBatchResult { out_of_sync, .. }) if out_of_sync.is_empty()
    )
}
