//! The connections syncing one document, in order: a sorted `Vec`, not a `BTreeSet`. A document
//! has one peer or a few, and a batched reconnect subscribes thousands of documents at once;
//! a B-tree node allocated for each and freed at the disconnect was ~9 % of the hub's samples
//! in a 6,000-document reconnect.

use super::ConnId;

#[derive(Debug, Default)]
pub(super) struct Peers(Vec<ConnId>);

impl Peers {
    /// Adds `conn`; whether it was absent.
    pub(super) fn insert(&mut self, conn: ConnId) -> bool {
        match self.0.binary_search(&conn) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, conn);
                true
            }
        }
    }

    /// Removes `conn`; whether it was present.
    pub(super) fn remove(&mut self, conn: &ConnId) -> bool {
        match self.0.binary_search(conn) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, ConnId> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a Peers {
    type Item = &'a ConnId;
    type IntoIter = std::slice::Iter<'a, ConnId>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_stay_sorted_and_unique() {
        let mut peers = Peers::default();
        for n in [5, 1, 3, 1, 5] {
            peers.insert(ConnId(n));
        }
        assert_eq!(peers.iter().map(|c| c.0).collect::<Vec<_>>(), [1, 3, 5]);
        assert!(peers.remove(&ConnId(3)));
        assert!(!peers.remove(&ConnId(3)));
        assert_eq!(peers.iter().map(|c| c.0).collect::<Vec<_>>(), [1, 5]);
        assert!(peers.remove(&ConnId(1)) && peers.remove(&ConnId(5)));
        assert!(peers.is_empty());
    }
}
