import { uniqueDbName, withDatabase } from './support';

describe('conformance support', () => {
  it('when a database is put into a replica-set URI, then hosts and options are kept', () => {
    expect(withDatabase('mongodb://a:1,b:2/?replicaSet=rs0&w=majority', 'db1')).toBe(
      'mongodb://a:1,b:2/db1?replicaSet=rs0&w=majority',
    );
  });

  it('when the URI already names a database or has none, then the new name replaces it', () => {
    expect(withDatabase('mongodb://u:p@h:27017/old?authSource=admin', 'db2')).toBe(
      'mongodb://u:p@h:27017/db2?authSource=admin',
    );
    expect(withDatabase('mongodb+srv://cluster.example.net', 'db3')).toBe(
      'mongodb+srv://cluster.example.net/db3',
    );
  });

  it('when the string is not a MongoDB URI, then it is refused', () => {
    expect(() => withDatabase('http://h/x', 'db')).toThrow('not a MongoDB connection string');
  });

  it('when database names are made for a label, then they are distinct and valid for mongod', () => {
    const a = uniqueDbName('crud/area.x');
    const b = uniqueDbName('crud/area.x');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^conf_crud_area_x_[0-9a-f]{10}$/);
    expect(a.length).toBeLessThan(64);
  });
});
