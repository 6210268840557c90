//! Accounts: users, roles scoped to units, login sessions that enrol devices, login rate
//! limits and revocation events.
