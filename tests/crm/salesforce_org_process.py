"""A large Salesforce org served by the stand-in as its own process, for bench/crm_sync.py:
`python -m tests.crm.salesforce_org_process DEALS TASKS` prints the instance URL, the access token, the CA file to
trust and the ids of ten opportunities to change, one a line, then serves until killed."""

from __future__ import annotations

import sys
import threading
from datetime import timedelta
from decimal import Decimal

from tests.crm.salesforce_standin import SalesforceStandIn

OWNERS, CHANGED = 20, 10


def populate(standin: SalesforceStandIn, deals: int, tasks: int) -> list[str]:
    """As HubSpot's stand-in populates: 20 users, an account per four opportunities, each opportunity at an account
    and each task on an opportunity, every record modified a millisecond after the one before, ending at `now`.
    Returns the opportunities' ids."""
    accounts = max(1, deals // 4)
    end = standin.now
    standin.now = end - timedelta(milliseconds=OWNERS + accounts + deals + tasks)

    def next_moment() -> None:
        standin.now += timedelta(milliseconds=1)

    owners = []
    for i in range(OWNERS):
        next_moment()
        owners.append(standin.add_user(f"Rep {i}", f"rep{i}@example.com"))
    account_ids = []
    for i in range(accounts):
        next_moment()
        account_ids.append(standin.add_account(f"Company {i}", owners[i % OWNERS]))
    deal_ids = []
    for i in range(deals):
        next_moment()
        deal_ids.append(standin.add_opportunity(f"Deal {i}", account_id=account_ids[i % accounts],
                                                owner_id=owners[i % OWNERS], amount=Decimal(f"{1000 + i}.50"),
                                                close_date="2027-03-31", stage="Qualification"))
    for i in range(tasks):
        next_moment()
        standin.add_task(f"Call back {i}", what_id=deal_ids[i % deals], owner_id=owners[i % OWNERS],
                         activity_date="2027-01-15")
    standin.now = end
    return deal_ids


def main() -> None:
    deals, tasks = (int(n) for n in sys.argv[1:3])
    standin = SalesforceStandIn()
    deal_ids = populate(standin, deals, tasks)
    standin.start()
    changed = deal_ids[::max(1, deals // CHANGED)][:CHANGED]
    print(standin.instance_url, standin.token, standin.ca_file, ",".join(changed), sep="\n", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
