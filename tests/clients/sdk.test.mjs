// The TypeScript SDK (@anthropic-ai/sdk, pinned in package-lock.json) with its default settings
// against the gateway. Run by tests/clients/run.sh: `node --test tests/clients/sdk.test.mjs`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';

const { GATEWAY_URL, GATEWAY_API_KEY, FAKE_BEDROCK_URL } = process.env;
if (!GATEWAY_URL || !GATEWAY_API_KEY || !FAKE_BEDROCK_URL) {
  throw new Error('GATEWAY_URL, GATEWAY_API_KEY and FAKE_BEDROCK_URL must be set: run tests/clients/run.sh');
}

const MODEL = 'claude-sonnet-5-5';
// id -> the SDK's ModelLine
const CURRENT = {
  'claude-opus-5-5': 'opus',
  'claude-sonnet-5-5': 'sonnet',
  'claude-haiku-5-5': 'haiku',
  'claude-fable-5-2': 'fable',
};
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const client = new Anthropic({ baseURL: GATEWAY_URL, apiKey: GATEWAY_API_KEY });
// The SDK waits up to 10 minutes by default; a stuck answer should fail its test much sooner.
const within = { timeout: 30_000 };

// The upstream requests the fake received after a reset.
async function resetFake() {
  await fetch(`${FAKE_BEDROCK_URL}/__fake/reset`, { method: 'POST' });
}
async function fakeRequests() {
  return (await fetch(`${FAKE_BEDROCK_URL}/__fake/requests`)).json();
}

test('non-streaming with today\'s headers', within, async () => {
  // Only observes the request: the SDK builds it exactly as it would with the global fetch.
  const sent = [];
  const observed = new Anthropic({
    baseURL: GATEWAY_URL,
    apiKey: GATEWAY_API_KEY,
    fetch: (url, init) => {
      sent.push(new Headers(init.headers));
      return fetch(url, init);
    },
  });
  const { data: message, response } = await observed.messages
    .create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] })
    .withResponse();
  assert.equal(sent.at(-1).get('authorization'), `Bearer ${GATEWAY_API_KEY}`);
  assert.equal(sent.at(-1).get('x-api-key'), null);
  assert.equal(sent.at(-1).get('anthropic-version'), '2026-10-21');
  assert.ok(response.headers.get('request-id'));
  assert.equal(message.model, MODEL);
  assert.equal(message.content[0].text, 'Hello from fake Bedrock.');
  assert.equal(message.stop_reason, 'end_turn');
  assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
});

test('streaming', within, async () => {
  const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
  let text = '';
  stream.on('text', (delta) => (text += delta));
  const final = await stream.finalMessage();
  assert.equal(text, 'Hello from fake Bedrock.');
  assert.equal(final.model, MODEL);
  assert.equal(final.stop_reason, 'end_turn');
  assert.ok(final.usage.output_tokens > 0);
});

test('tool use then tool result', within, async () => {
  const messages = [{ role: 'user', content: 'Weather in Paris? scenario:tool_use' }];
  const first = await client.messages
    .stream({ model: MODEL, max_tokens: 256, tools: [WEATHER_TOOL], messages })
    .finalMessage();
  assert.equal(first.stop_reason, 'tool_use');
  const call = first.content.find((b) => b.type === 'tool_use');
  assert.equal(call.name, 'get_weather');
  assert.deepEqual(call.input, { city: 'Paris' });

  messages.push(
    { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18C and sunny' }] },
  );
  const second = await client.messages.create({ model: MODEL, max_tokens: 256, tools: [WEATHER_TOOL], messages });
  assert.equal(second.stop_reason, 'end_turn');
  assert.match(second.content[0].text, /18C and sunny/);
});

test('thinking signature goes back unchanged', within, async () => {
  const question = { role: 'user', content: '2+2? scenario:thinking' };
  const thinkingConfig = { type: 'adaptive', display: 'summarized' };
  const first = await client.messages
    .stream({ model: MODEL, max_tokens: 2048, thinking: thinkingConfig, messages: [question] })
    .finalMessage();
  const [thinking, answer] = first.content;
  assert.equal(thinking.type, 'thinking');
  assert.ok(thinking.thinking && thinking.signature);
  assert.equal(answer.text, 'Answer: 4');

  await resetFake();
  const second = await client.messages.create({
    model: MODEL,
    max_tokens: 2048,
    thinking: thinkingConfig,
    messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: 'Thanks' }],
  });
  assert.ok(second.content.length > 0);
  const upstream = (await fakeRequests()).filter((r) => r.body?.messages && !r.path.includes('count')).at(-1);
  assert.deepEqual(upstream.body.messages[1].content[0], {
    type: 'thinking',
    thinking: thinking.thinking,
    signature: thinking.signature,
  });
});

test('count tokens', within, async () => {
  await resetFake();
  const result = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'count me' }] });
  assert.equal(result.input_tokens, 42);
  const requests = await fakeRequests();
  assert.ok(requests.some((r) => r.path.includes('count')), 'answered without asking Bedrock');
});

test('models list pages and retrieve', within, async () => {
  const everything = [];
  for await (const model of client.models.list()) everything.push(model);
  const paged = [];
  for await (const model of client.models.list({ limit: 2 })) paged.push(model); // follows has_more itself
  assert.deepEqual(paged.map((m) => m.id), everything.map((m) => m.id));
  const listed = new Map(everything.map((m) => [m.id, m]));
  for (const [id, line] of Object.entries(CURRENT)) {
    const info = listed.get(id);
    assert.ok(info, `${id} is not listed`);
    assert.match(info.display_name, /^Claude /);
    assert.deepEqual([info.lifecycle, info.line], ['active', line]);
    assert.ok(info.max_input_tokens && info.max_tokens, `${id} has no limits`);
  }
  const retrieved = await client.models.retrieve(MODEL);
  assert.equal(retrieved.id, MODEL);
  assert.equal(retrieved.lifecycle, 'active');
});
