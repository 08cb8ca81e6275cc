import { Binary, type Document, Double, Int32, Long } from 'bson';
import { CommandError, commandError } from '../errors';
import { adminCommands, engineOverridable } from './admin-commands';
import type { CommandContext, ServerContext } from './server-context';

const ZERO_SIGNATURE = { hash: new Binary(Buffer.alloc(20)), keyId: Long.fromNumber(0) };

/**
 * Commands arrive with int32/double values as Int32/Double wrappers (the engine
 * stores them with their types); the admin commands read options as plain numbers.
 * Longs stay Longs, as the admin side has always received them.
 */
function promoteNumbers(value: unknown): unknown {
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (Array.isArray(value)) return value.map(promoteNumbers);
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = promoteNumbers(v);
    return out;
  }
  return value;
}

/**
 * Routes a command by its first key, exactly as spelled: the wire server's own
 * admin commands, then the storage engine's, else CommandNotFound. Every outcome,
 * including an unexpected exception, becomes a reply; nothing escapes to the socket.
 */
export class CommandDispatcher {
  constructor(private readonly server: ServerContext) {}

  async run(db: string, cmd: Document, ctx: CommandContext): Promise<Document> {
    let reply: Document;
    try {
      reply = await this.execute(db, cmd, ctx);
    } catch (err) {
      reply = this.errorReply(err, db, cmd);
    }
    return this.withClusterTime(reply);
  }

  private execute(db: string, cmd: Document, ctx: CommandContext): Document | Promise<Document> {
    const name = Object.keys(cmd)[0] ?? '';
    const engine = this.server.engine;
    const admin = adminCommands.get(name);
    const engineTakes = engine.commandNames.has(name);
    if (admin && !(engineTakes && engineOverridable.has(name))) {
      return admin(db, promoteNumbers(cmd) as Document, ctx, this.server);
    }
    if (engineTakes) {
      if (!this.server.replSet.isWritablePrimary) {
        throw commandError('NotWritablePrimary', 'not primary');
      }
      return engine.runCommand(db, cmd);
    }
    throw commandError('CommandNotFound', `no such command: '${name}'`);
  }

  private errorReply(err: unknown, db: string, cmd: Document): Document {
    if (err instanceof CommandError) return err.toReply();
    const message = err instanceof Error ? err.message : String(err);
    this.server.log.write('E', 'COMMAND', 21962, 'conn', 'Assertion while executing command', {
      command: Object.keys(cmd)[0] ?? '',
      db,
      error: message,
      stack: err instanceof Error ? err.stack : undefined,
    });
    return { ok: 0, errmsg: message, code: 1, codeName: 'InternalError' };
  }

  // The driver gossips $clusterTime once a server sends one; mongod only does so
  // when it has a replica-set clock, i.e. after replSetInitiate.
  private withClusterTime(reply: Document): Document {
    const rs = this.server.replSet;
    if (!rs.isReplicaSet || !rs.isInitiated) return reply;
    const time = rs.tick();
    return {
      ...reply,
      $clusterTime: { clusterTime: time, signature: ZERO_SIGNATURE },
      operationTime: reply.operationTime ?? time,
    };
  }
}
