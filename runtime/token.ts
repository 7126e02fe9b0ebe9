import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RoleSchema } from '../api/auth.ts';
import { loadConfig } from './config.ts';
import { loadOrCreateDevSigningKey, mintDevToken } from './identity.ts';
import { projectRoot } from './tools.ts';

const usage = `usage: npm run token -- --role officer|company|juror [--org ORG] [--person ID] [--name NAME] [--hours N]
  Mints a development JWT that \`npm start\` accepts (signed with the key in the data folder).
  A company token needs --org: the organisation the person acts for.`;

/** `npm run token`: a development JWT for trying the API as any role. */
async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      person: { type: 'string' },
      name: { type: 'string' },
      hours: { type: 'string', default: '8' },
      help: { type: 'boolean' },
    },
  });
  const role = RoleSchema.safeParse(values.role);
  const hours = Number(values.hours);
  if (
    values.help ||
    !role.success ||
    (role.data === 'company' && !values.org) ||
    !(hours > 0 && hours <= 720)
  ) {
    console.error(usage);
    process.exit(values.help ? 0 : 2);
  }
  const key = await loadOrCreateDevSigningKey(
    join(resolve(projectRoot, loadConfig().PHASEGATE_DATA_DIR), 'dev-jwt-key.json'),
  );
  const person = values.person ?? (values.org ? `${values.org}-person-1` : `${role.data}-1`);
  console.log(
    await mintDevToken(key, { role: role.data, person, organisation: values.org, name: values.name, hours }),
  );
}

await main();
