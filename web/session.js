// session.js — who is signed in and what their role lets them do. The
// server decides every permission; this only hides controls that it would
// refuse anyway, so a viewer is not offered forms that cannot work.

export const session = { me: null };

export const canWrite = () => Boolean(session.me && (session.me.role === 'member' || session.me.role === 'owner'));
