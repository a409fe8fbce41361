/**
 * Checkpoints as files (Node): `<dir>/checkpoint.json`, written to a temporary file and renamed,
 * so a crash mid-write leaves the previous checkpoint intact. The Node entry registers this
 * storage with `useCheckpointStorage` when it loads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CHECKPOINT_FILE, type CheckpointStorage } from './checkpoint';

export const fileCheckpointStorage: CheckpointStorage = {
  locate: (dir) => path.join(dir, CHECKPOINT_FILE),
  read(dir) {
    const file = path.join(dir, CHECKPOINT_FILE);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  },
  write(dir, text) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, CHECKPOINT_FILE);
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  },
};
