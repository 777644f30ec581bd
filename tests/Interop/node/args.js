// Command-line flags of the interop peers, one style for all: "--name value" or "--name=value";
// -h/--help prints the usage and exits 0; an unknown flag, or one without a value, exits 2.
// CommonJS, so that both the .js peers and the .mjs ones can use it.
'use strict';

// flags maps each accepted flag to the option it sets, e.g. { '--port': 'port', '--server_port': 'port' };
// returns the options given, as strings.
function parseFlags(argv, flags, usage) {
  const values = {};
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (eq >= 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    }
    if (!Object.hasOwn(flags, arg)) usageError(`unknown argument: ${arg}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) usageError(`${arg} needs a value`);
      value = argv[++i];
    }
    values[flags[arg]] = value;
  }
  return values;
}

// Says what is wrong with the arguments and exits 2.
function usageError(message) {
  console.error(message);
  process.exit(2);
}

module.exports = { parseFlags, usageError };
