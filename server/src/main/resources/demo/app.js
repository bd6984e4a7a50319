// The demo chat: a page that holds no server secret. It asks its own (stand-in) backend for a
// short-lived workspace token and talks to the Portcullis API directly with the SDK.
import { Portcullis } from './portcullis.js';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const ttl = new URLSearchParams(location.search).get('ttl'); // e.g. ?ttl=5 to watch refreshes happen

let client = null;
let realtime = null;
let user = null;
let agentId = null;
let thread = null;
let unsubscribe = null;
let ticker = null;
/** Bubbles of assistant messages by message id; completed ones ignore replayed deltas. */
const bubbles = new Map();
const completed = new Set();

/** What a backend's session endpoint answers: a token, or a refusal once the user is signed out. */
async function getToken() {
  const response = await fetch('/demo/api/token' + (ttl ? `?ttl_seconds=${encodeURIComponent(ttl)}` : ''),
    { method: 'POST', credentials: 'same-origin' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.error?.message ?? `token request failed (${response.status})`);
    error.status = response.status;
    error.code = body.error?.code ?? 'unauthenticated';
    throw error;
  }
  return body; // {token, expires_at, ...}: the SDK reads the expiry from it
}

async function signIn(name) {
  const response = await fetch('/demo/api/login', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: name }),
  });
  if (!response.ok) {
    $('signin-note').textContent = 'Sign-in failed: ' + response.status;
    return;
  }
  user = name;
  show('chat');
  $('user').textContent = name;
  client = new Portcullis({ baseUrl: location.origin, getToken, onTokenChange: renderToken });
  const agents = await client.agents.list();
  agentId = agents.data.find((a) => a.name === 'echo')?.id ?? agents.data[0]?.id;
  realtime = client.realtime();
  realtime.on('open', () => socketState('open'));
  realtime.on('close', (detail) => {
    // Counted for the end-to-end tests: a refresh must never cost the user a reconnect.
    document.body.dataset.socketCloses = String(Number(document.body.dataset.socketCloses ?? 0) + 1);
    socketState(detail?.willReconnect ? 'reconnecting' : 'closed');
  });
  realtime.on('signedout', () => signedOut());
  ticker = setInterval(() => renderToken(client.tokenInfo()), 250);
  await loadThreads();
}

async function loadThreads() {
  const page = await client.threads.list({ agent_id: agentId, limit: 50 });
  const list = $('threads');
  list.replaceChildren();
  for (const t of page.data) {
    list.append(threadItem(t));
  }
  if (page.data.length > 0 && !thread) {
    await select(page.data[0].id);
  }
}

function threadItem(t) {
  const item = document.createElement('li');
  item.textContent = t.id;
  item.dataset.threadId = t.id;
  item.dataset.testid = 'thread';
  item.setAttribute('data-testid', 'thread');
  item.addEventListener('click', () => select(t.id));
  return item;
}

async function newThread() {
  const t = await client.threads.create({ agent_id: agentId });
  $('threads').prepend(threadItem(t));
  await select(t.id);
}

async function select(threadId) {
  thread = threadId;
  for (const item of $('threads').children) {
    item.classList.toggle('selected', item.dataset.threadId === threadId);
  }
  unsubscribe?.();
  bubbles.clear();
  completed.clear();
  const list = $('messages');
  list.replaceChildren();
  const history = await client.messages.list(threadId, { limit: 200 });
  for (const m of history.data) {
    const bubble = addBubble(m.role, m.content);
    if (m.role === 'assistant') {
      completed.add(m.id);
      bubbles.set(m.id, bubble);
    }
  }
  unsubscribe = realtime.subscribe(threadId, onEvent);
  $('input').disabled = false;
  $('send').disabled = false;
}

function onEvent(e) {
  if (e.threadId !== thread) {
    return;
  }
  if (e.event === 'message.delta') {
    const id = e.data.message_id;
    if (completed.has(id)) {
      return; // a replay of an answer already shown
    }
    let bubble = bubbles.get(id);
    if (!bubble) {
      bubble = addBubble('assistant', '');
      bubble.setAttribute('data-testid', 'streaming');
      bubbles.set(id, bubble);
    }
    bubble.textContent += e.data.delta;
  } else if (e.event === 'message.completed') {
    const m = e.data.message;
    const bubble = bubbles.get(m.id) ?? addBubble('assistant', '');
    bubble.textContent = m.content;
    bubble.setAttribute('data-testid', 'answer');
    completed.add(m.id);
    bubbles.set(m.id, bubble);
  }
}

function addBubble(role, text) {
  const item = document.createElement('li');
  item.className = role;
  item.textContent = text;
  item.setAttribute('data-testid', role === 'user' ? 'question' : 'answer');
  $('messages').append(item);
  return item;
}

async function send(event) {
  event.preventDefault();
  const text = $('input').value.trim();
  if (!text || !thread) {
    return;
  }
  $('input').value = '';
  addBubble('user', text);
  await realtime.run(thread, { messages: [{ role: 'user', content: text }] });
}

function renderToken(info) {
  if (!info) {
    return;
  }
  $('token-remaining').textContent = info.expiresAt
    ? Math.max(0, Math.round((info.expiresAt.getTime() - Date.now()) / 1000)) + ' s' : 'never';
  $('token-refreshes').textContent = String(info.refreshes);
}

function socketState(state) {
  const badge = $('socket-state');
  badge.textContent = state;
  badge.classList.toggle('open', state === 'open');
}

function signedOut() {
  clearInterval(ticker);
  realtime?.close();
  client = null;
  realtime = null;
  thread = null;
  show('signedout');
}

function show(section) {
  for (const id of ['signin', 'chat', 'signedout']) {
    document.getElementById(id).hidden = id !== section;
  }
}

for (const button of document.querySelectorAll('[data-user]')) {
  button.addEventListener('click', () => signIn(button.dataset.user));
}
$('new-thread').addEventListener('click', () => newThread());
$('composer').addEventListener('submit', send);
$('signout').addEventListener('click', async () => {
  await fetch('/demo/api/logout', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user }),
  });
  signedOut();
});
$('signin-again').addEventListener('click', () => show('signin'));
