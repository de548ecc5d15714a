import { parseArgs } from 'node:util';

/** Every flag of `npm run bench -- --flag value`, with its default and what it sets. */
const FLAGS = {
  users: { default: 1000, help: 'users in the data set' },
  conversations: { default: 2000, help: 'conversations (one in five a group of 50, the rest direct)' },
  messages: { default: 100000, help: 'messages, spread evenly over the conversations' },
  'group-size': { default: 50, help: 'members of each group' },
  'read-seconds': { default: 10, help: 'duration of each REST read run' },
  connections: { default: 50, help: 'HTTP connections autocannon keeps open' },
  sockets: { default: 1000, help: 'sockets in the messaging scenario (one per user, over both instances)' },
  rate: { default: 500, help: 'messages per second in the fixed-rate messaging run and each compression run' },
  'rate-seconds': { default: 20, help: 'duration of the fixed-rate messaging run and each compression run' },
  'step-rates': {
    default: '100,200,300,400,500,600,800,1000,1200,1500,2000,2500,3000',
    help: 'rates of the step-up, msg/s (for the app and for the messaging floor)',
    type: 'string',
  },
  'step-seconds': { default: 10, help: 'duration of each step' },
  'idle-sockets': { default: 10000, help: 'idle sockets held by one instance in the connections scenario' },
  'socket-workers': { default: 2, help: 'socket.io-client processes for the messaging scenario' },
  scenarios: {
    default: 'reads,floor,search,messaging,connections',
    help: 'which scenarios run (reads, floor, search, messaging, connections; compression only when named)',
    type: 'string',
  },
  database: {
    default: 'chat_bench',
    help: 'PostgreSQL database created afresh on the DATABASE_URL server (dropped first)',
    type: 'string',
  },
  'redis-db': { default: 15, help: 'Redis database index the benchmark uses (it is flushed)' },
  'log-level': { default: 'warn', help: 'LOG_LEVEL of the app instances', type: 'string' },
  out: { default: 'bench/results', help: 'where results are written', type: 'string' },
  'cpu-prof': { default: '', help: 'a directory: each instance writes a V8 CPU profile there', type: 'string' },
};

const USAGE = [
  'usage: npm run bench -- [--flag value]...',
  '',
  'Postgres and Redis: DATABASE_URL and REDIS_URL when set (the benchmark creates its own database',
  '--database on that server and uses Redis database --redis-db), otherwise embedded servers.',
  '',
  ...Object.entries(FLAGS).map(([name, flag]) => `  --${name.padEnd(15)} ${flag.help} (default ${flag.default})`),
].join('\n');

/** The parsed flags: numbers as numbers, lists as arrays. Exits with the usage on a bad flag. */
export function readOptions(argv = process.argv.slice(2)) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean' },
        ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' }])),
      },
    }));
  } catch (error) {
    fail(error.message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = {};
  for (const [name, flag] of Object.entries(FLAGS)) {
    const raw = values[name] ?? String(flag.default);
    const key = name.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());
    if (flag.type === 'string') {
      options[key] = raw;
      continue;
    }
    const number = Number(raw);
    if (!Number.isInteger(number) || number < 0) fail(`--${name} must be a whole number, got ${raw}`);
    options[key] = number;
  }
  options.stepRates = options.stepRates
    .split(',')
    .filter(Boolean)
    .map((rate) => Number(rate));
  options.scenarios = new Set(options.scenarios.split(',').filter(Boolean));
  if (options.stepRates.some((rate) => !Number.isInteger(rate) || rate <= 0)) {
    fail('--step-rates must be a comma-separated list of positive whole numbers');
  }
  for (const scenario of options.scenarios) {
    if (!['reads', 'floor', 'search', 'messaging', 'connections', 'compression'].includes(scenario))
      fail(`unknown scenario ${scenario}`);
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.database)) {
    fail('--database must be a lower-case PostgreSQL identifier (letters, digits, _)');
  }
  if (options.users < options.groupSize || options.users < 2) fail('--users must be at least --group-size and 2');
  if (options.sockets > options.users) fail('--sockets cannot exceed --users (one socket per user)');
  if (options.conversations < 1 || options.messages < options.conversations) {
    fail('--messages must be at least --conversations (every conversation gets messages)');
  }
  return options;
}

function fail(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}
