// The seed's scripts call supabase.functions.invoke('automated-backup-scheduler', …); these run the real supabase-js
// against BackupPortal. The xunit test SupabaseJsTests starts the Api and runs this file with API_URL,
// SERVICE_ROLE_KEY, SCHEDULE_ID and VIEWER_TOKEN set. (supabase-js 2.75 is the newest that runs on Node 20.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';

const { API_URL, SERVICE_ROLE_KEY, SCHEDULE_ID, VIEWER_TOKEN } = process.env;
for (const name of ['API_URL', 'SERVICE_ROLE_KEY', 'SCHEDULE_ID', 'VIEWER_TOKEN'])
  assert.ok(process.env[name], `${name} must be set (run through the xunit test SupabaseJsTests)`);

const supabase = createClient(API_URL, SERVICE_ROLE_KEY);
const invoke = (client, body) => client.functions.invoke('automated-backup-scheduler', { body });

async function waitFor(backupJobId, done) {
  for (let i = 0; i < 600; i++) {
    const { data, error } = await invoke(supabase, { action: 'get_backup', backupJobId });
    assert.equal(error, null);
    if (done(data.backup)) return data.backup;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`backup ${backupJobId} did not finish`);
}

test('create_backup then verify_backup, as the seed documents them', async () => {
  const { data, error } = await invoke(supabase, { action: 'create_backup', scheduleId: SCHEDULE_ID, backupType: 'full' });
  assert.equal(error, null);
  assert.equal(data.success, true);
  assert.match(data.backupJobId, /^[0-9a-f-]{36}$/);
  const job = await waitFor(data.backupJobId, b => b.status !== 'pending' && b.status !== 'running' && b.verificationStatus !== 'pending');
  assert.equal(job.status, 'completed');

  const verified = await invoke(supabase, { action: 'verify_backup', backupJobId: data.backupJobId });
  assert.equal(verified.error, null);
  assert.equal(verified.data.success, true);
  assert.equal(verified.data.verificationStatus, 'verified');
  assert.ok(verified.data.report.checks.length >= 6);
});

test('list_backups and run_due_schedules answer with success', async () => {
  const listed = await invoke(supabase, { action: 'list_backups' });
  assert.equal(listed.error, null);
  assert.ok(Array.isArray(listed.data.backups));
  const due = await invoke(supabase, { action: 'run_due_schedules' });
  assert.equal(due.error, null);
  assert.equal(due.data.success, true);
});

test('an unknown action is a 400 with success false', async () => {
  const { error } = await invoke(supabase, { action: 'make_coffee' });
  assert.ok(error, 'expected an error');
  assert.equal(error.context.status, 400);
  const body = await error.context.json();
  assert.equal(body.success, false);
  assert.match(body.error, /make_coffee/);
});

test('a missing field is a 400 naming it', async () => {
  const { error } = await invoke(supabase, { action: 'create_backup' });
  assert.equal(error.context.status, 400);
  assert.match((await error.context.json()).error, /scheduleId/);
});

test('a wrong key is a 401', async () => {
  const { error } = await invoke(createClient(API_URL, 'not-the-key'), { action: 'list_backups' });
  assert.equal(error.context.status, 401);
});

test('an access token works too, within its role', async () => {
  const viewer = createClient(API_URL, VIEWER_TOKEN);
  const listed = await invoke(viewer, { action: 'list_backups' });
  assert.equal(listed.error, null);
  const { error } = await invoke(viewer, { action: 'create_backup', scheduleId: SCHEDULE_ID });
  assert.equal(error.context.status, 403);
});
