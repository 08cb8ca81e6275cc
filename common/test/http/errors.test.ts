import express, { type Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import {
  BadRequestError,
  CustomError,
  createErrorHandler,
  createLogger,
  DatabaseConnectionError,
  errorHandler,
  NotAuthorizedError,
  NotFoundError,
  notFoundHandler,
  requestLogger,
} from '../../src';
import { createLogSink, LEVEL, type LogSink } from './helpers';

const Ticket = mongoose.model('Ticket', new mongoose.Schema({ title: String }));
const Order = mongoose.model(
  'Order',
  new mongoose.Schema({
    ticket: { type: mongoose.Schema.Types.ObjectId, required: true },
    userId: { type: String, required: true },
  }),
);

function buildApp(sink: LogSink): Express {
  const app = express();
  app.use(requestLogger(createLogger({ service: 'test', destination: sink })));
  app.use(express.json({ limit: '1kb' }));
  app.get('/bad-request', () => {
    throw new BadRequestError('Email in use');
  });
  app.get('/bad-request-field', () => {
    throw new BadRequestError('Ticket is already reserved', 'ticketId');
  });
  app.get('/not-found', async () => {
    throw new NotFoundError();
  });
  app.get('/not-authorized', () => {
    throw new NotAuthorizedError();
  });
  app.get('/database', () => {
    throw new DatabaseConnectionError({ cause: new Error('ECONNREFUSED 10.0.0.7:27017') });
  });
  app.get('/unknown', async () => {
    throw new Error('secret internals: password=hunter2');
  });
  app.get('/thrown-string', () => {
    throw 'a string, not an Error';
  });
  app.get('/cast-object-id', () => {
    // The cast a query does before it reaches MongoDB, on a malformed id.
    Ticket.find({ _id: 'not-an-id' }).cast(Ticket);
  });
  app.get('/validate-order', async (req) => {
    await new Order({ ticket: req.query.ticket, userId: req.query.userId }).validate();
  });
  app.get('/cast-number', () => {
    throw new mongoose.Error.CastError('Number', 'abc', 'price');
  });
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });
  app.all('/{*splat}', notFoundHandler);
  app.use(errorHandler);
  return app;
}

describe('errorHandler', () => {
  let sink: LogSink;
  let app: Express;
  beforeEach(() => {
    sink = createLogSink();
    app = buildApp(sink);
  });

  it('when a BadRequestError is thrown, then it answers 400 with its message', async () => {
    const res = await request(app).get('/bad-request');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Email in use' }] });
  });

  it('when a BadRequestError names a field, then the body carries it', async () => {
    const res = await request(app).get('/bad-request-field');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'Ticket is already reserved', field: 'ticketId' }],
    });
  });

  it('when an async handler rejects with NotFoundError, then it answers 404 Not Found', async () => {
    const res = await request(app).get('/not-found');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  it('when a NotAuthorizedError is thrown, then it answers 401 Not authorized', async () => {
    const res = await request(app).get('/not-authorized');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
  });

  it('when the database is unreachable, then it answers 500 and logs the cause, not sends it', async () => {
    const res = await request(app).get('/database');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Error connecting to database' }] });
    const line = await sink.waitFor((l) => l.msg === 'request failed');
    expect(line.level).toBe(LEVEL.error);
    expect(JSON.stringify(line.err)).toContain('ECONNREFUSED');
    expect(res.text).not.toContain('ECONNREFUSED');
  });

  it('when an unknown error is thrown, then it answers a generic 500 and logs the stack', async () => {
    const res = await request(app).get('/unknown');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong' }] });
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toContain('at ');
    const line = await sink.waitFor((l) => l.msg === 'unhandled error');
    expect(line.level).toBe(LEVEL.error);
    expect(line.reqId).toBe(res.headers['x-request-id']);
    const err = line.err as { message: string; stack: string; type: string };
    expect(err.message).toContain('hunter2');
    expect(err.stack).toContain('errors.test.ts');
    expect(err.type).toBe('Error');
  });

  it('when a non-Error value is thrown, then it answers the generic 500', async () => {
    const res = await request(app).get('/thrown-string');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong' }] });
  });

  it('when a malformed ObjectId reaches a query, then it answers 400 naming the path', async () => {
    const res = await request(app).get('/cast-object-id');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Invalid _id', field: '_id' }] });
  });

  it('when a document with a malformed id fails validation, then it answers 400 naming the path', async () => {
    const res = await request(app).get('/validate-order?ticket=nope&userId=u1');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Invalid ticket', field: 'ticket' }] });
  });

  it('when a document fails another rule, then it is an unknown error (500)', async () => {
    const res = await request(app).get('/validate-order?ticket=nope');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong' }] });
  });

  it('when a CastError is not about an id, then it is an unknown error (500)', async () => {
    const res = await request(app).get('/cast-number');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong' }] });
  });

  it('when the JSON body is malformed, then it answers 400 with a clear message', async () => {
    const res = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send('{"title": "concert",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
  });

  it('when the body is over the limit, then it answers 413', async () => {
    const res = await request(app)
      .post('/echo')
      .send({ title: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is too large' }] });
  });

  it('when the body is fine, then the route answers normally', async () => {
    const res = await request(app).post('/echo').send({ title: 'concert' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ title: 'concert' });
  });

  it('when the body uses an unsupported charset, then the parser’s 415 is kept', async () => {
    const res = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json; charset=klingon')
      .send('{}');
    expect(res.status).toBe(415);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].message).toMatch(/charset/i);
  });

  it.each([
    ['GET', '/no/such/route'],
    ['POST', '/api/nothing'],
    ['DELETE', '/'],
  ])('when %s %s matches no route, then it answers 404 Not Found', async (method, path) => {
    const res = await request(app)[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });
});

describe('createErrorHandler', () => {
  it('when the request has no req.log, then the passed-in logger gets the error', async () => {
    const sink = createLogSink();
    const app = express();
    app.get('/boom', () => {
      throw new TypeError('boom');
    });
    app.use(createErrorHandler({ logger: createLogger({ service: 'x', destination: sink }) }));
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    const line = await sink.waitFor((l) => l.msg === 'unhandled error');
    expect(line.service).toBe('x');
    expect((line.err as { stack: string }).stack).toContain('TypeError: boom');
  });
});

describe('errorHandler after the response started', () => {
  it('when a handler fails mid-response, then the error is logged and the connection cut', async () => {
    const sink = createLogSink();
    const app = express();
    app.use(requestLogger(createLogger({ service: 'x', destination: sink })));
    app.get('/partial', (_req, res) => {
      res.status(200).write('half a body');
      throw new Error('failed while streaming');
    });
    app.use(errorHandler);
    const outcome = await request(app)
      .get('/partial')
      .then(
        () => 'completed',
        () => 'cut',
      );
    expect(outcome).toBe('cut');
    const line = await sink.waitFor((l) => l.msg === 'error after the response started');
    expect((line.err as { message: string }).message).toBe('failed while streaming');
  });
});

describe('CustomError', () => {
  class TicketReservedError extends CustomError {
    readonly statusCode = 400;
    constructor() {
      super('Cannot edit a reserved ticket');
    }
    serializeErrors() {
      return [{ message: this.message }];
    }
  }

  it('when subclassed, then name, instanceof and the handler all follow', async () => {
    const error = new TicketReservedError();
    expect(error).toBeInstanceOf(CustomError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TicketReservedError');
    const app = express();
    app.get('/', () => {
      throw error;
    });
    app.use(errorHandler);
    const res = await request(app).get('/');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot edit a reserved ticket' }] });
  });

  it('when given a cause, then it keeps it', () => {
    const cause = new Error('driver');
    const error = new DatabaseConnectionError({ cause });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('DatabaseConnectionError');
    expect(new NotFoundError().name).toBe('NotFoundError');
    expect(new BadRequestError('x').name).toBe('BadRequestError');
  });
});
