/**
 * Real servers on a shared machine can be slow (a 10 MB bytea round trip
 * under load takes seconds): each interop spec gets a minute. This bounds a
 * hang; it asserts nothing about speed.
 */
jasmine.DEFAULT_TIMEOUT_INTERVAL = 60_000;
