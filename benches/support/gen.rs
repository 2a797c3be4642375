//! Synthetic Core 1 sources and project trees for the benchmarks.
#![allow(dead_code)]

use std::{fmt::Write as _, fs, path::Path};

/// A block of Express + Clerk v4 code, about 12 lines, with findings.
fn clerk_block(i: usize) -> String {
    format!(
        "router.get('/users/{i}', ClerkExpressRequireAuth(), async (req, res) => {{\n\
  const users = await clerkClient.users.getUserList({{ limit: 10, offset: {i} }});\n\
  const org = await clerkClient.organizations.getOrganization({{ organizationId: req.params.id }});\n\
  res.json({{\n\
    users: users.map((u) => ({{ id: u.id, image: u.profileImageUrl, name: `${{u.firstName}} ${{u.lastName}}` }})),\n\
    logo: org.logoUrl,\n\
    claims: req.auth.claims,\n\
  }});\n\
}});\n\
const client{i} = createClerkClient({{ apiKey: process.env.CLERK_API_KEY, apiVersion: 'v1' }});\n\
export async function handler{i}(id: string): Promise<number> {{\n\
  const total = [1, 2, 3].reduce((a, b) => a + b, {i});\n\
  return total + id.length;\n\
}}\n"
    )
}

const CLERK_HEADER: &str = "import {\n  clerkClient,\n  createClerkClient,\n  ClerkExpressRequireAuth,\n  setClerkApiKey,\n} from '@clerk/clerk-sdk-node';\nimport express from 'express';\n\nconst router = express.Router();\nsetClerkApiKey(process.env.CLERK_API_KEY as string);\n";

/// A TypeScript file of about `lines` lines that uses Clerk throughout.
pub fn clerk_file(lines: usize) -> String {
    let mut s = String::from(CLERK_HEADER);
    let mut i = 0;
    while s.lines().count() < lines {
        s.push_str(&clerk_block(i));
        i += 1;
    }
    s
}

/// `text` with the semicolons that end its lines taken out, as code
/// written in that style has it.
pub fn without_semicolons(text: &str) -> String {
    text.replace(";\n", "\n")
}

/// Ordinary JavaScript of about `bytes` bytes that never mentions Clerk.
pub fn plain_js_file(seed: usize, bytes: usize) -> String {
    let mut s = String::from(
        "const { readFile } = require('node:fs/promises');\nconst path = require('node:path');\n\n",
    );
    let mut i = 0;
    while s.len() < bytes {
        let _ = write!(
            s,
            "async function load{seed}_{i}(dir) {{\n\
  const raw = await readFile(path.join(dir, 'items-{i}.json'), 'utf8');\n\
  const items = JSON.parse(raw);\n\
  return items.filter((x) => x.tags.length > 0).map((x) => ({{ ...x, name: x.name.trim() }}));\n\
}}\n\
class Cache{seed}_{i} {{\n\
  constructor() {{ this.map = new Map(); }}\n\
  get(k) {{ return this.map.get(k); }}\n\
  set(k, v) {{ if (v.length > {i}) {{ this.map.set(k, v); }} }}\n\
}}\n\
module.exports.load{seed}_{i} = load{seed}_{i};\n\n"
        );
        i += 1;
    }
    s
}

/// Twelve lines of ordinary TypeScript that never mention Clerk.
fn plain_block(seed: usize, i: usize) -> String {
    format!(
        "export interface Item{seed}_{i} {{ id: number; name: string; tags: string[] }}\n\
export async function load{seed}_{i}(dir: string): Promise<Item{seed}_{i}[]> {{\n\
  const raw = await readFile(path.join(dir, 'items-{i}.json'), 'utf8');\n\
  const items = JSON.parse(raw) as Item{seed}_{i}[];\n\
  return items.filter((x) => x.tags.length > 0).map((x) => ({{ ...x, name: x.name.trim() }}));\n\
}}\n\
export class Cache{seed}_{i} {{\n\
  private map = new Map<number, string>();\n\
  get(k: number): string | undefined {{ return this.map.get(k); }}\n\
  set(k: number, v: string): void {{ if (v.length > {i}) {{ this.map.set(k, v); }} }}\n\
}}\n\n"
    )
}

/// Ordinary TypeScript of about `bytes` bytes that never mentions Clerk.
pub fn plain_file(seed: usize, bytes: usize) -> String {
    let mut s = String::from(PLAIN_HEADER);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&plain_block(seed, i));
        i += 1;
    }
    s
}

const PLAIN_HEADER: &str =
    "import { readFile } from 'node:fs/promises';\nimport path from 'node:path';\n\n";

/// A TypeScript file of about `lines` lines where one block in
/// `clerk_every` uses Clerk and the others are ordinary code: a file that
/// uses Clerk here and there rather than on every other line.
pub fn mixed_file(lines: usize, clerk_every: usize) -> String {
    let mut s = format!("{CLERK_HEADER}{PLAIN_HEADER}");
    let (mut i, mut count) = (0, s.lines().count());
    while count < lines {
        let block = if i % clerk_every == 0 {
            clerk_block(i)
        } else {
            plain_block(0, i)
        };
        count += block.lines().count();
        s.push_str(&block);
        i += 1;
    }
    s
}

/// A small Clerk file (about 1 KB).
pub fn small_clerk_file(seed: usize) -> String {
    format!("{CLERK_HEADER}{}", clerk_block(seed))
}

/// Writes `files` files under `dir` in folders of 100; every
/// `clerk_every`-th file uses Clerk, the rest are `plain_bytes` of plain code
/// (a third JavaScript, the rest TypeScript).
pub fn write_tree(dir: &Path, files: usize, clerk_every: usize, plain_bytes: usize) -> usize {
    let mut total = 0;
    for i in 0..files {
        let sub = dir.join(format!("pkg{}", i / 100));
        fs::create_dir_all(&sub).unwrap();
        let (name, body) = if clerk_every > 0 && i % clerk_every == 0 {
            (format!("clerk{i}.ts"), small_clerk_file(i))
        } else if i % 3 == 0 {
            (format!("mod{i}.js"), plain_js_file(i, plain_bytes))
        } else {
            (format!("mod{i}.ts"), plain_file(i, plain_bytes))
        };
        total += body.len();
        fs::write(sub.join(name), body).unwrap();
    }
    total
}
