-- A small shop, so a newcomer has something real to back up and restore: several tables, foreign keys, jsonb,
-- bytea, arrays, numeric and timestamptz, a few MB in all.
create schema if not exists shop;

create table shop.customers (
    id bigserial primary key,
    email text not null unique,
    full_name text not null,
    tags text[] not null default '{}',
    profile jsonb not null default '{}',
    created_at timestamptz not null default now()
);

create table shop.products (
    id serial primary key,
    sku text not null unique,
    title text not null,
    price numeric(10, 2) not null check (price >= 0),
    image bytea,
    attributes jsonb
);

create table shop.orders (
    id bigserial primary key,
    customer_id bigint not null references shop.customers (id),
    status text not null check (status in ('new', 'paid', 'shipped', 'cancelled')),
    total numeric(12, 2) not null,
    placed_at timestamptz not null
);
create index orders_customer_idx on shop.orders (customer_id);
create index orders_placed_at_idx on shop.orders (placed_at);

create table shop.order_items (
    order_id bigint not null references shop.orders (id) on delete cascade,
    product_id int not null references shop.products (id),
    quantity int not null check (quantity > 0),
    unit_price numeric(10, 2) not null,
    primary key (order_id, product_id)
);

create table public.audit_events (
    id bigserial primary key,
    at timestamptz not null default now(),
    actor text not null,
    payload jsonb not null
);

insert into shop.customers (email, full_name, tags, profile, created_at)
select 'customer' || i || '@example.com', 'Customer ' || i,
       array['tier' || (i % 3), case when i % 5 = 0 then 'vip' else 'regular' end],
       jsonb_build_object('newsletter', i % 2 = 0, 'city', (array['Lisbon', 'Oslo', 'Lyon', 'Leeds'])[1 + i % 4]),
       now() - (i || ' hours')::interval
from generate_series(1, 5000) i;

insert into shop.products (sku, title, price, image, attributes)
select 'SKU-' || lpad(i::text, 5, '0'), 'Product ' || i, round((random() * 200 + 1)::numeric, 2),
       decode(repeat(md5(i::text), 8), 'hex'),
       jsonb_build_object('color', (array['red', 'green', 'blue'])[1 + i % 3], 'weight_g', 100 + i)
from generate_series(1, 500) i;

insert into shop.orders (customer_id, status, total, placed_at)
select 1 + (i * 7) % 5000, (array['new', 'paid', 'shipped', 'cancelled'])[1 + i % 4], 0,
       now() - ((i % 720) || ' hours')::interval
from generate_series(1, 20000) i;

insert into shop.order_items (order_id, product_id, quantity, unit_price)
select o.id, 1 + (o.id * k) % 500, 1 + (o.id + k) % 4, p.price
from shop.orders o
cross join generate_series(1, 3) k
join shop.products p on p.id = 1 + (o.id * k) % 500
on conflict do nothing;

update shop.orders o set total = s.total
from (select order_id, sum(quantity * unit_price) as total from shop.order_items group by order_id) s
where s.order_id = o.id;

insert into public.audit_events (actor, payload, at)
select 'user' || (i % 50), jsonb_build_object('action', 'login', 'ip', '10.0.' || (i % 255) || '.' || (i % 200), 'n', i),
       now() - (i || ' minutes')::interval
from generate_series(1, 20000) i;

analyze;
