export type SessionUser = { id: string }; export type SessionRecord = { id: string };
