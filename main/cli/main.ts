// The ioc-wall command line: parses arguments and dispatches to one command.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { layoutJsonSchemaText } from '../../common/wall/index.ts';
import { describeCommand } from './describe.ts';
import { doctorCommand } from './doctor.ts';
import { ExitCode, processOutput, type CliOutput } from './io.ts';
import { validateCommand } from './validate.ts';

const USAGE = `ioc-wall: video-wall display runtime for control rooms

usage:
  ioc-wall validate <layout.yaml>... [--json]   check layout files; exit 0 valid, 1 errors, 2 unreadable
  ioc-wall describe <layout.yaml> [--json]      screens, fields, series, scenes and each screen's slices
  ioc-wall doctor [--json]                      what this machine has, with install hints
  ioc-wall schema                               the layout format's JSON Schema, for editors
  ioc-wall serve [--layout <file>] [--port <n>] [--host <address>] [--tls-cert <pem> --tls-key <pem>] [--broker-port <n>] [--data-dir <dir>] [--demo] [--json]
                                                run the wall: one page per screen at /screen/<id>
  ioc-wall scenes list|activate <id>|previous [--server <url>] [--json]
                                                switch the wall's scene (token in IOC_WALL_TOKEN)
  ioc-wall identify [--server <url>] [--seconds <n>]
                                                every screen shows its id, label and resolution
  ioc-wall users add <name> --role <role> | list [--json] | disable <name> | enable <name> | passwd <name> [--data-dir <dir>]
                                                people who sign in (the password is read from standard input)
  ioc-wall tokens create --role <role> [--screen <id>] [--expires <90d>] [--label <text>] | list [--json] | revoke <id> [--data-dir <dir>]
                                                bearer tokens for scripts and display PCs (shown once, stored hashed)
  ioc-wall display-url <screen> [--server <url>] [--expires <90d>] [--layout <file>] [--data-dir <dir>]
                                                a display token for one screen, as the URL its display PC opens
  ioc-wall --version | --help`;

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

export async function main(argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        layout: { type: 'string' },
        port: { type: 'string' },
        'broker-port': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean', default: false },
        server: { type: 'string' },
        seconds: { type: 'string' },
        role: { type: 'string' },
        screen: { type: 'string' },
        expires: { type: 'string' },
        label: { type: 'string' },
      },
    });
  } catch (error) {
    output.err(`ioc-wall: ${(error as Error).message}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const json = values.json ?? false;
  if (values.version) {
    output.out(version());
    return ExitCode.ok;
  }
  if (values.help || command === 'help') {
    output.out(USAGE);
    return ExitCode.ok;
  }
  switch (command) {
    case 'validate':
      return validateCommand(rest, { json }, output);
    case 'describe':
      if (rest.length > 1) {
        output.err('ioc-wall describe: name exactly one layout file');
        return ExitCode.usage;
      }
      return describeCommand(rest[0], { json }, output);
    case 'doctor':
      return doctorCommand({ json }, output);
    case 'serve': {
      // Loaded on demand: the server's dependencies are not needed to validate a file.
      const { serveCommand } = await import('./serve.ts');
      return serveCommand(
        { layout: values.layout, port: values.port, brokerPort: values['broker-port'], host: values.host, tlsCert: values['tls-cert'], tlsKey: values['tls-key'], dataDir: values['data-dir'], demo: values.demo ?? false, json },
        output,
      );
    }
    case 'scenes': {
      const { scenesCommand } = await import('./scenes.ts');
      return scenesCommand(rest, { ...(values.server === undefined ? {} : { server: values.server }), json }, output);
    }
    case 'identify': {
      const { identifyCommand } = await import('./identify.ts');
      return identifyCommand({ ...(values.server === undefined ? {} : { server: values.server }), ...(values.seconds === undefined ? {} : { seconds: values.seconds }) }, output);
    }
    case 'users': {
      const { usersCommand } = await import('./users.ts');
      return usersCommand(rest, { dataDir: values['data-dir'], role: values.role, json }, output);
    }
    case 'tokens': {
      const { tokensCommand } = await import('./tokens.ts');
      return tokensCommand(rest, { dataDir: values['data-dir'], role: values.role, screen: values.screen, expires: values.expires, label: values.label, json }, output);
    }
    case 'display-url': {
      const { displayUrlCommand } = await import('./display-url.ts');
      return displayUrlCommand(rest, { dataDir: values['data-dir'], server: values.server, expires: values.expires, layout: values.layout }, output);
    }
    case 'schema':
      output.out(layoutJsonSchemaText().trimEnd());
      return ExitCode.ok;
    default:
      output.err(command ? `ioc-wall: unknown command '${command}'\n\n${USAGE}` : USAGE);
      return ExitCode.usage;
  }
}
