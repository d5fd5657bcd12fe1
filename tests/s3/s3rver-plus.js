#!/usr/bin/env node
// s3rver 3.7.1 + AbortMultipartUpload (s3rver answers 405 MethodNotAllowed to it).
// Run with: node --openssl-legacy-provider s3rver-plus.js -d DIR -p PORT [-a 127.0.0.1] [--configure-bucket NAME]... [--silent]
// (--openssl-legacy-provider is needed: s3rver builds ListObjectsV2 continuation tokens with DES.)
'use strict';
const path = require('path');
const fs = require('fs');
const S3rver = require('s3rver');

const argv = process.argv.slice(2);
const opts = { address: '127.0.0.1', port: 4568, silent: false, configureBuckets: [] };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-d' || a === '--directory') opts.directory = path.resolve(argv[++i]);
  else if (a === '-p' || a === '--port') opts.port = Number(argv[++i]);
  else if (a === '-a' || a === '--address') opts.address = argv[++i];
  else if (a === '-s' || a === '--silent') opts.silent = true;
  else if (a === '--configure-bucket') opts.configureBuckets.push({ name: argv[++i], configs: [] });
  else { console.error('unknown arg ' + a); process.exit(2); }
}
if (!opts.directory) { console.error('-d DIR is required'); process.exit(2); }
fs.mkdirSync(opts.directory, { recursive: true });

const server = new S3rver(opts);
// DELETE /{bucket}/{key}?uploadId=X  (path-style) -> remove the pending upload's parts
server.middleware.splice(1, 0, async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  if (ctx.method !== 'DELETE' || typeof uploadId !== 'string') return next();
  const m = /^\/([^/]+)\/.+/.exec(ctx.path);
  if (!m || !/^[0-9a-f]+$/i.test(uploadId)) return next();
  const dir = path.join(opts.directory, m[1], '._S3rver_uploads', uploadId);
  if (!fs.existsSync(dir)) {
    ctx.status = 404; ctx.type = 'application/xml';
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  ctx.status = 204;
});

server.run().then(({ address, port }) => console.log(`S3rver(+abort) listening on ${address}:${port}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close().then(() => process.exit(0)));
