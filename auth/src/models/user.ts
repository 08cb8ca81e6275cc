import mongoose, { type HydratedDocument, type Model } from 'mongoose';
import { Password } from '../services/password';

/** What it takes to create a user; `password` is the plain text, hashed on save. */
export interface UserAttrs {
  email: string;
  password: string;
}

type UserModel = Model<UserAttrs> & {
  build(attrs: UserAttrs): HydratedDocument<UserAttrs>;
};

/** Mongo's duplicate-key error code. */
export const DUPLICATE_KEY = 11000;

const userSchema = new mongoose.Schema<UserAttrs, UserModel>(
  {
    // Normalised here too, so no code path can store two spellings of one address.
    email: { type: String, required: true, trim: true, lowercase: true },
    password: { type: String, required: true },
  },
  {
    toJSON: {
      // The hash and mongoose's internals never leave the service.
      transform(_doc, ret: Record<string, unknown>) {
        ret.id = String(ret._id);
        delete ret._id;
        delete ret.password;
        delete ret.__v;
        return ret;
      },
    },
  },
);

// Uniqueness is the index's job: a check-then-insert alone lets concurrent signups through.
userSchema.index({ email: 1 }, { unique: true });

userSchema.pre('save', async function hashPassword() {
  if (this.isModified('password')) {
    this.password = await Password.toHash(this.password);
  }
});

userSchema.static('build', function build(attrs: UserAttrs) {
  return new User(attrs);
});

export const User = mongoose.model<UserAttrs, UserModel>('User', userSchema);

/** True for the error MongoDB raises when an insert breaks a unique index. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && error.code === DUPLICATE_KEY
  );
}
