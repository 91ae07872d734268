// The pricing table: pure rendering of the bundled plan data.
import React from 'react';
import data from './data.json';

interface Plan {
  name: string;
  seats: number;
  priceMonthly: number;
}

const plans: Plan[] = data.plans;

export function PlanTable(): React.ReactElement {
  return (
    <table className="pricing">
      <thead>
        <tr>
          <th>Plan</th>
          <th>Seats</th>
          <th>Price per month</th>
        </tr>
      </thead>
      <tbody>
        {plans.map((plan) => (
          <tr key={plan.name}>
            <td>{plan.name}</td>
            <td>{plan.seats}</td>
            <td>{plan.priceMonthly === 0 ? 'free' : `${plan.priceMonthly} USD`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
